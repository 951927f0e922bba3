/**
 * What went wrong, in domain terms. Apps map these kinds to their own wire format
 * (Nest's JSON on the portal API, OpenAI's error object on the gateway); the domain
 * never throws HTTP types.
 */
export enum DomainErrorKind {
  Invalid = 'invalid',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
}

export class DomainException extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable, machine-readable code, e.g. `contract_self_approval`. */
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainException {
  constructor(what: string, code = 'not_found') {
    super(DomainErrorKind.NotFound, code, `${what} not found`);
  }
}
