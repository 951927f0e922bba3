import { type ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { DomainException, safeError } from '@velvet/common';
import type { Response } from 'express';
import { clientFaultOf } from './database-error';
import { domainErrorBody, statusText } from './domain-error-body';

/**
 * The portal's one exception filter. Domain errors get Nest's JSON with their code; HTTP
 * exceptions pass through; a database error the caller caused answers 4xx; anything else is a
 * 500 logged through `safeError` (never a query, its parameters or a row).
 */
@Catch()
export class PortalExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('PortalExceptionFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainException) {
      const body = domainErrorBody(exception);
      const retryAfter = exception.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      res.status(body.statusCode).json(body);
      return;
    }
    // Express cannot decode a path segment (invalid UTF-8, e.g. an encoded lone surrogate)
    if (
      exception instanceof URIError ||
      (exception as Error | null)?.message?.startsWith('Failed to decode param')
    ) {
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: ['a path parameter is not valid UTF-8'],
      });
      return;
    }
    const fault = clientFaultOf(exception);
    if (fault) {
      this.logger.warn({ err: safeError(exception) }, 'refused a value the database rejected');
      res.status(fault.status).json({
        statusCode: fault.status,
        error: statusText(fault.status),
        message: fault.message,
      });
      return;
    }
    super.catch(exception, host);
  }
}
