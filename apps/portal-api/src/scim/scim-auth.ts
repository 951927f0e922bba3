import {
  type ArgumentsHost,
  Catch,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  HttpException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { ScimError, ScimTokensService } from '@velvet/auth';
import type { Request, Response } from 'express';
import { bearerOf } from '../auth/refresh-cookie';

export interface ScimRequest extends Request {
  scimOrganizationId: string;
}

/**
 * SCIM routes are outside the portal's JWT sessions (they are @Public to the global guard): this
 * guard takes the organisation's SCIM bearer token instead, and the routes act for that organisation only.
 */
@Injectable()
export class ScimTokenGuard implements CanActivate {
  constructor(private readonly tokens: ScimTokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ScimRequest>();
    req.scimOrganizationId = await this.tokens.organizationOf(bearerOf(req));
    return true;
  }
}

/** Errors in SCIM's own JSON (RFC 7644 §3.12), with the content type SCIM clients expect. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ScimExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    let error: ScimError;
    if (exception instanceof ScimError) error = exception;
    else if (exception instanceof HttpException)
      error = new ScimError(exception.getStatus(), detailOf(exception));
    else {
      this.logger.error(exception instanceof Error ? exception.message : 'unknown SCIM error');
      error = new ScimError(500, 'Internal error');
    }
    res.status(error.status).type('application/scim+json').send(JSON.stringify(error.body()));
  }
}

/** Nest's exceptions carry the useful text in their response body (validation messages). */
function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  const message =
    typeof response === 'object' && response !== null
      ? (response as { message?: unknown }).message
      : response;
  return Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
}
