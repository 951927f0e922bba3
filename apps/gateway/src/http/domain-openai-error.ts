import { DomainErrorKind, type DomainException } from '@velvet/common';
import { OpenAIError } from './openai-error';

/** Status and OpenAI error type per domain kind: the statuses the official SDKs map to their typed errors. */
const OPENAI: Record<DomainErrorKind, { status: number; type: string }> = {
  [DomainErrorKind.Invalid]: { status: 400, type: 'invalid_request_error' },
  [DomainErrorKind.Unauthenticated]: { status: 401, type: 'invalid_request_error' },
  [DomainErrorKind.Forbidden]: { status: 403, type: 'invalid_request_error' },
  [DomainErrorKind.NotFound]: { status: 404, type: 'invalid_request_error' },
  [DomainErrorKind.Conflict]: { status: 409, type: 'invalid_request_error' },
  [DomainErrorKind.RateLimited]: { status: 429, type: 'requests' },
  [DomainErrorKind.Unavailable]: { status: 503, type: 'api_error' },
};

/** A lib's domain error on the gateway path, in OpenAI's wire format with the lib's stable code. */
export function domainToOpenAIError(exception: DomainException): OpenAIError {
  const { status, type } = OPENAI[exception.kind] ?? { status: 500, type: 'api_error' };
  return new OpenAIError(status, type, exception.code, exception.message);
}
