import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditProducerModule } from '@velvet/audit';
import { ContractFactsModule, ContractsWorkerModule } from '@velvet/contracts';
import { dataSourceOptions } from '@velvet/database';
import { EntitlementsWorkerModule } from '@velvet/entitlements';
import { QueueModule, redisSettings } from '@velvet/queue';
import type { PortalEnv } from '../../apps/portal-api/src/env';

/**
 * The worker side of contracts and entitlements (what apps/worker registers), as a
 * separate Nest context with its own DB pool and Redis connections: a stand-in for another process.
 */
export async function startContractsWorker(env: PortalEnv): Promise<INestApplicationContext> {
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        dataSourceOptions({
          url: env.DATABASE_URL,
          applicationName: 'velvet-test-worker',
          poolSize: 4,
        }),
      ),
      QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
      AuditProducerModule.forRoot(),
      EntitlementsWorkerModule,
      ContractFactsModule,
      ContractsWorkerModule,
    ],
  })
  class TestWorkerModule {}
  const app = await NestFactory.createApplicationContext(TestWorkerModule, {
    logger: ['error'],
    abortOnError: false,
  });
  await app.init();
  return app;
}

/** Polls `probe` until it returns true; resolves with the elapsed milliseconds or throws after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs = 15_000,
  everyMs = 10,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
