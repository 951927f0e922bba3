import { HttpStatus } from '@nestjs/common';
import { DomainErrorKind, type DomainException } from '@velvet/common';

const STATUS: Record<DomainErrorKind, number> = {
  [DomainErrorKind.Invalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DomainErrorKind.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [DomainErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorKind.Conflict]: HttpStatus.CONFLICT,
  [DomainErrorKind.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [DomainErrorKind.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** `Unprocessable Entity` for 422, as Nest's own errors say it. */
export const statusText = (statusCode: number): string =>
  HttpStatus[statusCode]
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');

/** A domain error in Nest's usual JSON shape, with the stable `code` added for clients. */
export function domainErrorBody(exception: DomainException) {
  const statusCode = STATUS[exception.kind];
  return {
    statusCode,
    error: statusText(statusCode),
    message: exception.message,
    code: exception.code,
    ...(exception.details ? { details: exception.details } : {}),
  };
}
