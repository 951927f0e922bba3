import { DomainErrorKind, DomainException } from '@velvet/common';

export enum OrganizationErrorCode {
  EmailTaken = 'email_taken',
  InvitationInvalid = 'invitation_invalid',
  LastAdmin = 'last_admin',
  LastPlatformAdmin = 'last_platform_admin',
  RoleNotAllowed = 'role_not_allowed',
  FieldNotAllowed = 'field_not_allowed',
  VerificationInvalid = 'verification_invalid',
  EmailUnverified = 'email_unverified',
}

export class OrganizationException extends DomainException {
  static emailTaken() {
    return new OrganizationException(
      DomainErrorKind.Conflict,
      OrganizationErrorCode.EmailTaken,
      'That email address is already registered',
    );
  }
  static invitationInvalid() {
    return new OrganizationException(
      DomainErrorKind.Invalid,
      OrganizationErrorCode.InvitationInvalid,
      'The invitation is unknown, used or expired',
    );
  }
  static lastAdmin() {
    return new OrganizationException(
      DomainErrorKind.Conflict,
      OrganizationErrorCode.LastAdmin,
      'An organisation must keep at least one active admin',
    );
  }
  static lastPlatformAdmin() {
    return new OrganizationException(
      DomainErrorKind.Conflict,
      OrganizationErrorCode.LastPlatformAdmin,
      'The platform must keep at least one active platform admin',
    );
  }
  static roleNotAllowed(role: string) {
    return new OrganizationException(
      DomainErrorKind.Invalid,
      OrganizationErrorCode.RoleNotAllowed,
      `Role ${role} cannot be given here`,
    );
  }
  static verificationInvalid() {
    return new OrganizationException(
      DomainErrorKind.Invalid,
      OrganizationErrorCode.VerificationInvalid,
      'The confirmation link is unknown, used or expired',
    );
  }
  static emailUnverified() {
    return new OrganizationException(
      DomainErrorKind.Forbidden,
      OrganizationErrorCode.EmailUnverified,
      'Confirm your sign-up e-mail address (follow the link we mailed you) before creating API keys',
    );
  }
  static fieldNotAllowed(field: string) {
    return new OrganizationException(
      DomainErrorKind.Forbidden,
      OrganizationErrorCode.FieldNotAllowed,
      `You may not change ${field}`,
    );
  }
}
