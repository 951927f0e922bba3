import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { DomainException } from '@velvet/common';
import type { FastifyReply } from 'fastify';
import { domainToOpenAIError } from './domain-openai-error';
import { OpenAIError } from './openai-error';
import { type CodedRequest, ERROR_CODE } from '../metrics/gateway-metrics';

/** Turns any error into an OpenAI-style error, so the SDKs raise their typed errors. */
export function toOpenAIError(error: unknown): OpenAIError {
  if (error instanceof OpenAIError) return error;
  if (error instanceof DomainException) return domainToOpenAIError(error);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404)
      return new OpenAIError(404, 'invalid_request_error', 'not_found', 'Unknown endpoint.');
    if (status < 500) return new OpenAIError(status, 'invalid_request_error', null, error.message);
  }
  // Fastify's own errors (body parsing, body too large, content type) carry a 4xx statusCode.
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message =
      e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code?.startsWith('FST_ERR_CTP_EMPTY')
        ? 'We could not parse the JSON body of your request.'
        : (e.message ?? 'Bad request.');
    return new OpenAIError(
      e.statusCode,
      'invalid_request_error',
      e.code?.toLowerCase() ?? null,
      message,
    );
  }
  if (e instanceof SyntaxError)
    return OpenAIError.badRequest('We could not parse the JSON body of your request.');
  return new OpenAIError(
    500,
    'api_error',
    'internal_error',
    'The gateway failed to process the request.',
  );
}

@Catch()
export class OpenAIErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(reply, exception, this.logger);
  }
}

export function sendError(reply: FastifyReply, exception: unknown, logger?: Logger): void {
  const error = toOpenAIError(exception);
  if (error.status >= 500 && !(exception instanceof OpenAIError)) {
    (reply.request?.log ?? logger)?.error({ err: exception }, 'unhandled gateway error');
  }
  if (reply.request)
    (reply.request as unknown as CodedRequest)[ERROR_CODE] = error.code ?? error.type;
  if (reply.sent || reply.raw.headersSent) return;
  void reply.status(error.status).headers(error.headers).send(error.body());
}
