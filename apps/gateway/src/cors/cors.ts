import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { CorsOrigins } from './cors-origins';

/** What a browser may read of a gateway response (the SDKs read these). */
const EXPOSED = [
  'x-request-id',
  'x-velvet-call-id',
  'idempotent-replayed',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
].join(', ');

/** The preflight's answer for an origin some organisation allows; no key, no query. */
export function preflightHeaders(
  origin: string,
  requestedHeaders: string | undefined,
): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    // The SDKs send their own x-stainless-* headers: the browser's list is echoed (it names only request headers).
    'access-control-allow-headers':
      requestedHeaders?.slice(0, 2048) ||
      'authorization, content-type, idempotency-key, x-request-id',
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Headers',
  };
}

/**
 * CORS on real requests, as a Fastify `onRequest` hook (not a Nest interceptor, whose per-request
 * Observable pipeline every call paid): a request without an Origin header some organisation
 * allows costs one header read; one with it pays a cached key lookup and gets
 * `Access-Control-Allow-Origin` if the key's organisation allows that origin. A request whose key
 * is refused still gets it for an origin some organisation allows, so the page can read the 401's
 * OpenAI error instead of an opaque network failure. Preflights are the preflight controller's.
 */
@Injectable()
export class CorsHook {
  constructor(
    private readonly origins: CorsOrigins,
    private readonly auth: KeyAuthenticator,
  ) {}

  readonly onRequest = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: (error?: Error) => void,
  ): void => {
    const origin = request.headers.origin;
    if (
      typeof origin !== 'string' ||
      request.method === 'OPTIONS' ||
      !this.origins.allowedByAny(origin)
    )
      return done();
    void this.allowed(request.headers.authorization, origin).then((ok) => {
      if (ok)
        void reply.headers({
          'access-control-allow-origin': origin,
          'access-control-expose-headers': EXPOSED,
          vary: 'Origin',
        });
      done();
    });
  };

  private async allowed(authorization: string | undefined, origin: string): Promise<boolean> {
    try {
      const principal = await this.auth.authenticate(authorization);
      return this.origins.allowedFor(principal.organizationId, origin);
    } catch {
      return true;
    }
  }
}
