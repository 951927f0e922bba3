import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { PortalApiModule } from './app.module';
import { applySecurityHeaders } from './http/security-headers';
import type { PortalEnv } from './env';
import {
  HostileInputPipe,
  METRICS_REGISTRY,
  RangePipe,
  refuseHostileRequests,
  requireJsonBodies,
} from '@velvet/common';
import { httpMetricsMiddleware } from './http/http-metrics';
import { exceptSamlAcs, samlFormBody, scimJsonBody } from './sso/saml-form-body';

// Money is bigint micro-units; on the wire it is a decimal string, exact in every client.
(BigInt.prototype as unknown as { toJSON: () => string }).toJSON = function (this: bigint) {
  return this.toString();
};

/** The portal API, configured the same way for `main.ts` and for the tests. */
export async function createPortalApp(
  env: PortalEnv,
  logDestination?: DestinationStream,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    PortalApiModule.forRoot(env, logDestination),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  // first, so refused requests (hostile input, bad JSON) are counted too
  app.use(httpMetricsMiddleware(app.get(METRICS_REGISTRY)));
  applySecurityHeaders(app);
  // bodies are JSON or nothing; hostile text and nesting are refused before guards read the body
  app.use(samlFormBody);
  app.use(scimJsonBody);
  app.use(exceptSamlAcs(requireJsonBodies));
  app.useBodyParser('json', { limit: env.BODY_LIMIT });
  app.use(cookieParser());
  app.use(refuseHostileRequests);
  app.useGlobalPipes(
    new HostileInputPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
    new RangePipe(),
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Velvet Rope portal API')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
