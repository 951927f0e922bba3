import { DomainErrorKind, DomainException } from '@velvet/common';

/** Why a single sign-on was refused: stable codes, the same for every protocol. */
export enum SsoErrorCode {
  NotConfigured = 'sso_not_configured',
  StateInvalid = 'sso_state_invalid',
  StateExpired = 'sso_state_expired',
  Rejected = 'sso_assertion_rejected',
  DomainNotVerified = 'sso_email_domain_not_verified',
  AccountElsewhere = 'sso_account_elsewhere',
  AccountDisabled = 'sso_account_disabled',
  DomainClaimed = 'sso_domain_claimed',
  Invalid = 'sso_invalid_configuration',
  Required = 'sso_required',
}

const KIND: Record<SsoErrorCode, DomainErrorKind> = {
  [SsoErrorCode.NotConfigured]: DomainErrorKind.NotFound,
  [SsoErrorCode.StateInvalid]: DomainErrorKind.Unauthenticated,
  [SsoErrorCode.StateExpired]: DomainErrorKind.Unauthenticated,
  [SsoErrorCode.Rejected]: DomainErrorKind.Unauthenticated,
  [SsoErrorCode.DomainNotVerified]: DomainErrorKind.Forbidden,
  [SsoErrorCode.AccountElsewhere]: DomainErrorKind.Forbidden,
  [SsoErrorCode.AccountDisabled]: DomainErrorKind.Forbidden,
  [SsoErrorCode.DomainClaimed]: DomainErrorKind.Conflict,
  [SsoErrorCode.Invalid]: DomainErrorKind.Invalid,
  [SsoErrorCode.Required]: DomainErrorKind.Forbidden,
};

export const ssoError = (code: SsoErrorCode, message: string) =>
  new DomainException(KIND[code], code, message);
