import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { newCallId } from '@velvet/audit';
import { RefusalRecorder } from '@velvet/metering';
import { serverSpanRouteSetter } from '@velvet/telemetry';
import pino from 'pino';
import type { GatewayEnv } from './env';
import { CallAdmission } from './chat/call-admission';
import { PHASES, type PhasedRequest } from './chat/call-context';
import { ChatCompletionsService } from './chat/chat-completions.service';
import { CorsHook } from './cors/cors';
import { GatewayModule } from './gateway.module';
import { registerChatCompletionsRoute } from './http/chat-completions.route';
import { openAIClientErrorHandler } from './http/client-error';
import { PinoNestLogger } from './http/pino-nest.logger';
import { type CodedRequest, ERROR_CODE, GatewayMetrics } from './metrics/gateway-metrics';
import { countRefusal } from './metrics/refusal-scope';

/** Below sonic-boom's largest single write (16 KiB), as it requires. */
const LOG_BATCH_BYTES = 16_000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's plain X-Request-Id: echoed and logged, never used to identify (or de-duplicate) a call. */
function clientRequestIdOf(req: IncomingMessage): string | undefined {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : undefined;
}

/**
 * The gateway on Fastify: one JSON log line per request (request id, status, time; never bodies or
 * keys), written asynchronously so logging stays off the latency path.
 */
export async function createGatewayApp(
  env: GatewayEnv,
  secrets: Record<string, string | undefined>,
): Promise<NestFastifyApplication> {
  const logger = pino(
    {
      level: env.LOG_LEVEL,
      base: { app: 'gateway' },
      redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
    },
    // Lines are written in batches of ~16 KB (one write per ~70 calls rather than per ~17: each
    // write cost the event loop ~100 µs) and at least once a second, so a quiet gateway's last
    // lines are not held back until more traffic comes.
    pino.destination({ sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: 1000 }),
  );
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by one, written in the onResponse hook below.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    // The gateway's own id, unique per request: the call's metering id, audit event id and job id.
    // Time-ordered (UUID v7, newCallId): it leaks only the call's time, already in the response.
    genReqId: () => newCallId(),
    bodyLimit: env.GATEWAY_BODY_LIMIT_BYTES,
    trustProxy: 'loopback',
    keepAliveTimeout: 65_000,
    clientErrorHandler: openAIClientErrorHandler,
    // No Nest middleware in the gateway: without @fastify/middie no request runs its empty chain.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(env, secrets),
    adapter,
    {
      logger: new PinoNestLogger(logger),
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(GatewayMetrics);
  fastify.addHook('onRequest', app.get(CorsHook).onRequest);
  // Only when tracing is on (OTEL_*): otherwise no hook, nothing per request.
  const nameSpan = serverSpanRouteSetter();
  if (nameSpan)
    fastify.addHook('onRequest', (request, _reply, done) => {
      nameSpan(request.routeOptions.url);
      done();
    });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', clientRequestIdOf(request.raw) ?? request.id);
    // The call's own id (usage record, audit record), whatever the client sent as X-Request-Id.
    reply.header('x-velvet-call-id', request.id);
    done();
  });
  const refusals = app.get(RefusalRecorder);
  fastify.addHook('onResponse', (request, reply, done) => {
    countRefusal(refusals, request, reply);
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.response(
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime / 1000,
      (request as unknown as CodedRequest)[ERROR_CODE],
    );
    if (!request.url.startsWith('/health')) {
      const phases = (request as PhasedRequest)[PHASES];
      const clientRequestId = clientRequestIdOf(request.raw);
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: reply.elapsedTime,
          phases,
          clientRequestId,
        },
        'request',
      );
    }
    done();
  });
  // After the hooks above, so the route is registered with all of them.
  registerChatCompletionsRoute(fastify, app.get(CallAdmission), app.get(ChatCompletionsService));
  app.enableShutdownHooks();
  return app;
}
