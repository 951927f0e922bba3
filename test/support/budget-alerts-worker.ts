import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@velvet/database';
import { QueueModule, redisSettings } from '@velvet/queue';
import { BudgetAlertsModule } from '@velvet/teams';
import { loadWorkerEnv } from '../../apps/worker/src/env';
import { budgetAlertOptions } from '../../apps/worker/src/worker.module';

/**
 * The budget-alert side of apps/worker (scan schedule, e-mail and webhook deliveries) with the
 * worker's own env schema, as a separate Nest context with its own DB pool and Redis connections.
 */
export async function startBudgetAlertsWorker(
  portalEnv: { DATABASE_URL: string; QUEUE_PREFIX: string },
  overrides: Record<string, string>,
): Promise<INestApplicationContext> {
  const env = loadWorkerEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: portalEnv.DATABASE_URL,
    QUEUE_PREFIX: portalEnv.QUEUE_PREFIX,
    ...overrides,
  });
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-test-worker' }),
      ),
      QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
      BudgetAlertsModule.forWorker(budgetAlertOptions(env)),
    ],
  })
  class TestBudgetAlertsWorker {}
  const app = await NestFactory.createApplicationContext(TestBudgetAlertsWorker, {
    logger: ['error'],
    abortOnError: false,
  });
  await app.init();
  return app;
}
