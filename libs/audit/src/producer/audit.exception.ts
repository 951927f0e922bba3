import { DomainErrorKind, DomainException } from '@velvet/common';

export enum AuditErrorCode {
  Unavailable = 'audit_unavailable',
  UnknownTreeSize = 'audit_unknown_tree_size',
  RecordNotFound = 'audit_record_not_found',
}

export class AuditException extends DomainException {
  /** The audit log could not durably accept an entry: the caller must refuse the call (fail closed). */
  static unavailable(): AuditException {
    return new AuditException(
      DomainErrorKind.Unavailable,
      AuditErrorCode.Unavailable,
      'The audit log is unavailable; the call was not served',
    );
  }
}
