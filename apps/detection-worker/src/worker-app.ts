import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { DetectionWorkerAppModule } from './detection-worker.module';
import type { DetectionWorkerEnv } from './env';

/** The detection worker as a Nest application context (no HTTP), alike for main.ts, tests and the evaluation. */
export async function createDetectionWorkerApp(
  env: DetectionWorkerEnv,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(DetectionWorkerAppModule.forRoot(env), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // SIGTERM: the active run stops at its next batch (DetectionRunService), then the BullMQ worker closes.
  app.enableShutdownHooks();
  return app;
}
