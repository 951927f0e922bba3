import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes are not traced: they would drown the calls. */
const UNTRACED = /^\/(health|metrics)(\/|$|\?)/;

/**
 * The instrumentations of every app, configured so that no attribute carries a prompt, a
 * completion or a secret:
 * - http: server spans (W3C traceparent extracted) and client spans; no headers, no bodies;
 * - express (the portal API): only names the server span after the route template that matched
 *   (`GET /organizations/:id`, never the id); no span per middleware, router or handler;
 * - undici (the gateway's upstream Pool, fetch): the URL without its query (some providers take
 *   their key there); traceparent injected into the upstream request;
 * - ioredis: the command name only (the default would print arguments: the settlement script's
 *   arguments hold the audit event, prompt and completion included);
 * - pg: the SQL text with its `$n` placeholders, never the values.
 * Redis and PostgreSQL spans only inside a traced operation: background polling makes none.
 */
export const instrumentations = () => [
  new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => UNTRACED.test(req.url ?? ''),
  }),
  new ExpressInstrumentation({
    ignoreLayersType: [
      ExpressLayerType.MIDDLEWARE,
      ExpressLayerType.ROUTER,
      ExpressLayerType.REQUEST_HANDLER,
    ],
  }),
  new UndiciInstrumentation({
    requireParentforSpans: true,
    startSpanHook: (request) => {
      const url = new URL(request.path, request.origin);
      return { 'url.full': `${url.origin}${url.pathname}`, 'url.query': undefined };
    },
  }),
  new IORedisInstrumentation({
    requireParentSpan: true,
    dbStatementSerializer: (command) => command,
  }),
  new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
];
