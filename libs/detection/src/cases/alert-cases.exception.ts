import { DomainErrorKind, DomainException } from '@velvet/common';

export const AlertCaseException = {
  transition: (from: string, action: string) =>
    new DomainException(
      DomainErrorKind.Conflict,
      'alert_case_invalid_transition',
      `A ${from} case cannot be ${action}`,
      { from, action },
    ),
  keyNotInOrganization: () =>
    new DomainException(
      DomainErrorKind.Invalid,
      'alert_case_key_not_in_organization',
      "That API key does not belong to the case's organisation",
    ),
  nothingToRestore: () =>
    new DomainException(
      DomainErrorKind.Conflict,
      'alert_case_nothing_to_restore',
      'The organisation is neither suspended nor throttled',
    ),
};
