import { DomainErrorKind, DomainException } from '@velvet/common';

export enum ContractErrorCode {
  InvalidTerms = 'contract_invalid_terms',
  InvalidTransition = 'contract_invalid_transition',
  SelfApproval = 'contract_self_approval',
  OwnOrganization = 'contract_own_organization',
  AlreadyApproved = 'contract_already_approved',
  StaleVersion = 'contract_stale_version',
  RequestKeyReused = 'idempotency_key_reused',
  Overlap = 'contract_overlap',
}

export class ContractException extends DomainException {
  static invalidTerms(message: string, details?: Record<string, unknown>) {
    return new ContractException(
      DomainErrorKind.Invalid,
      ContractErrorCode.InvalidTerms,
      message,
      details,
    );
  }
  static invalidTransition(from: string, action: string) {
    return new ContractException(
      DomainErrorKind.Conflict,
      ContractErrorCode.InvalidTransition,
      `A ${from.replace('_', ' ')} contract cannot be ${action}`,
      { status: from },
    );
  }
  static selfApproval() {
    return new ContractException(
      DomainErrorKind.Forbidden,
      ContractErrorCode.SelfApproval,
      'Nobody may approve a contract they requested, amended or submitted during its review',
    );
  }
  static ownOrganization() {
    return new ContractException(
      DomainErrorKind.Forbidden,
      ContractErrorCode.OwnOrganization,
      "Nobody may approve their own organisation's contract",
    );
  }
  static alreadyApproved() {
    return new ContractException(
      DomainErrorKind.Conflict,
      ContractErrorCode.AlreadyApproved,
      'You already approved this contract; a second approval must come from a different account manager',
    );
  }
  static requestKeyReused() {
    return new ContractException(
      DomainErrorKind.Conflict,
      ContractErrorCode.RequestKeyReused,
      'This Idempotency-Key was already used for a contract request with different terms',
    );
  }
  static overlap(blocking: { id: string; status: string; termStart: string; termEnd: string }[]) {
    const [first] = blocking;
    return new ContractException(
      DomainErrorKind.Conflict,
      ContractErrorCode.Overlap,
      `An ${first.status} contract for this tier (${first.id}, ${first.termStart} to ${first.termEnd}) already covers ` +
        'part of this term; file this one as its amendment or replacement (replacesContractId), or end that one first',
      { blocking: blocking.map((b) => b.id) },
    );
  }
  static staleVersion() {
    return new ContractException(
      DomainErrorKind.Conflict,
      ContractErrorCode.StaleVersion,
      'The contract was changed by someone else; reload and retry',
    );
  }
}
