import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { DomainErrorKind, DomainException } from '@velvet/common';
import type { Response } from 'express';

const STATUS: Record<DomainErrorKind, number> = {
  [DomainErrorKind.Invalid]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DomainErrorKind.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [DomainErrorKind.Forbidden]: HttpStatus.FORBIDDEN,
  [DomainErrorKind.NotFound]: HttpStatus.NOT_FOUND,
  [DomainErrorKind.Conflict]: HttpStatus.CONFLICT,
  [DomainErrorKind.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [DomainErrorKind.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Domain errors in Nest's usual JSON shape, with the stable `code` added for clients. */
@Catch(DomainException)
export class DomainExceptionFilter implements ExceptionFilter {
  catch(exception: DomainException, host: ArgumentsHost): void {
    const statusCode = STATUS[exception.kind];
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusCode)
      .json({
        statusCode,
        error: HttpStatus[statusCode]
          .toLowerCase()
          .split('_')
          .map((w) => w[0].toUpperCase() + w.slice(1))
          .join(' '),
        message: exception.message,
        code: exception.code,
        ...(exception.details ? { details: exception.details } : {}),
      });
  }
}
