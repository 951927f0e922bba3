import { NotFoundException } from '@nestjs/common';
import { DomainErrorKind, DomainException, NotFoundError } from '@velvet/common';
import { toOpenAIError } from './openai-error.filter';

describe('toOpenAIError', () => {
  it.each([
    [DomainErrorKind.Invalid, 400, 'invalid_request_error'],
    [DomainErrorKind.Unauthenticated, 401, 'invalid_request_error'],
    [DomainErrorKind.Forbidden, 403, 'invalid_request_error'],
    [DomainErrorKind.NotFound, 404, 'invalid_request_error'],
    [DomainErrorKind.Conflict, 409, 'invalid_request_error'],
    [DomainErrorKind.RateLimited, 429, 'requests'],
    [DomainErrorKind.Unavailable, 503, 'api_error'],
  ])('maps the domain kind %s to %i', (kind, status, type) => {
    const error = toOpenAIError(new DomainException(kind, 'some_code', 'Something is wrong.'));
    expect(error.status).toBe(status);
    expect(error.body()).toEqual({
      error: { message: 'Something is wrong.', type, param: null, code: 'some_code' },
    });
  });

  it('maps a subclass of DomainException by its kind', () => {
    const error = toOpenAIError(new NotFoundError('Contract', 'contract_not_found'));
    expect(error.status).toBe(404);
    expect(error.body().error).toMatchObject({
      code: 'contract_not_found',
      message: 'Contract not found',
    });
  });

  it('keeps Nest 404s and unknown errors as before', () => {
    expect(toOpenAIError(new NotFoundException()).body().error.code).toBe('not_found');
    const unknown = toOpenAIError(new Error('boom'));
    expect(unknown.status).toBe(500);
    expect(unknown.body().error.message).not.toContain('boom');
  });
});
