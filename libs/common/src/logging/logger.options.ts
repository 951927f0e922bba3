import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { pathOnly, safeError, safeMessageHook, scrubSecrets } from './redact';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client-supplied request id is kept only when it is short and plain; otherwise we make one. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * Structured logs with a request id on every line. Bodies, query strings and SQL parameters are
 * never logged (they hold prompts, completions, passwords and e-mail addresses); credentials are
 * redacted from headers; errors go through `safeError`; and every line is scrubbed of anything
 * shaped like a secret before it is written.
 */
export function loggerOptions(level: string, app: string, destination?: DestinationStream): Params {
  const options: Options = {
    level,
    name: app,
    genReqId: requestIdOf,
    customProps: () => ({ app }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: pathOnly(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: safeError,
    },
    hooks: { logMethod: safeMessageHook, streamWrite: scrubSecrets },
    autoLogging: { ignore: (req) => req.url === '/health' },
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
