import { DomainErrorKind, DomainException } from '@velvet/common';

export enum EntitlementErrorCode {
  NotSuspended = 'not_suspended',
  TierNotGated = 'tier_not_gated',
  UnknownTier = 'unknown_tier',
  RuleVersionConflict = 'rule_version_conflict',
  RuleChangeScheduled = 'rule_change_scheduled',
  InvalidSchedule = 'rule_change_invalid_schedule',
}

export class EntitlementException extends DomainException {
  static notSuspended() {
    return new EntitlementException(
      DomainErrorKind.Conflict,
      EntitlementErrorCode.NotSuspended,
      'The organisation is not suspended',
    );
  }
  static tierNotGated(tier: string) {
    return new EntitlementException(
      DomainErrorKind.Invalid,
      EntitlementErrorCode.TierNotGated,
      `Tier ${tier} is not gated; it needs no unlock rule`,
    );
  }
  static unknownTier(tier: string) {
    return new EntitlementException(
      DomainErrorKind.NotFound,
      EntitlementErrorCode.UnknownTier,
      `Tier ${tier} not found`,
    );
  }
  static versionConflict() {
    return new EntitlementException(
      DomainErrorKind.Conflict,
      EntitlementErrorCode.RuleVersionConflict,
      'The rule was changed by someone else; reload and retry',
    );
  }
  static changeScheduled(effectiveAt: Date) {
    return new EntitlementException(
      DomainErrorKind.Conflict,
      EntitlementErrorCode.RuleChangeScheduled,
      `A change of this rule is already scheduled for ${effectiveAt.toISOString()}; it must take effect first`,
    );
  }
  static invalidSchedule(message: string) {
    return new EntitlementException(
      DomainErrorKind.Invalid,
      EntitlementErrorCode.InvalidSchedule,
      message,
      { field: 'effectiveAt' },
    );
  }
}
