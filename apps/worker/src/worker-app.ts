import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { WorkerEnv } from './env';
import { WorkerModule } from './worker.module';

/** The worker as a Nest application context (no HTTP), configured alike for main.ts and tests. */
export async function createWorkerApp(env: WorkerEnv): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
