import { NestFactory } from '@nestjs/core';
import { createTestDatabase, testQueuePrefix } from '@velvet/testing';
import { loadWorkerEnv } from '../../../apps/audit-worker/src/env';
import { WorkerModule } from '../../../apps/audit-worker/src/worker.module';
it('boots', async () => {
  const db = await createTestDatabase();
  try {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadWorkerEnv({ NODE_ENV: 'test', DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix(), LOG_LEVEL: 'silent' })), { abortOnError: false });
    await app.close();
  } finally {
    await db.drop();
  }
});
