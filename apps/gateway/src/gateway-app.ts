import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import pino from 'pino';
import type { GatewayEnv } from './env';
import { PHASES, type PhasedRequest } from './chat/call-context';
import { GatewayModule } from './gateway.module';
import { PinoNestLogger } from './http/pino-nest.logger';
import { useLeanAsyncResourceBind } from './runtime/lean-async-bind';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a plain client-supplied X-Request-Id, otherwise makes one; it is on every log line of the request. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The gateway on Fastify: one JSON log line per request (request id, status, time; never bodies or
 * keys), written asynchronously so logging stays off the latency path.
 */
export async function createGatewayApp(
  env: GatewayEnv,
  secrets: Record<string, string | undefined>,
): Promise<NestFastifyApplication> {
  useLeanAsyncResourceBind();
  const logger = pino({
    level: env.LOG_LEVEL,
    base: { app: 'gateway' },
    redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
  }, pino.destination({ sync: false, minLength: 4096 }));
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by one, written in the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestIdOf,
    bodyLimit: env.GATEWAY_BODY_LIMIT_BYTES,
    trustProxy: 'loopback',
    keepAliveTimeout: 65_000,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(env, secrets), adapter, {
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.url !== '/health') {
      const phases = (request as PhasedRequest)[PHASES];
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime, phases }, 'request');
    }
    done();
  });
  app.enableShutdownHooks();
  return app;
}
