import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createPortalApp } from '../../apps/portal-api/src/portal-app';
import { loadPortalEnv, type PortalEnv } from '../../apps/portal-api/src/env';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';

export interface RunningPortal {
  app: NestExpressApplication;
  url: string;
  env: PortalEnv;
  database: TestDatabase;
  close(): Promise<void>;
}

/** A real portal API on a random loopback port, over its own database and queue prefix. */
export async function startPortal(
  overrides: Record<string, string> = {},
  logDestination?: DestinationStream,
): Promise<RunningPortal> {
  const database = await createTestDatabase();
  const env = loadPortalEnv({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: testQueuePrefix(),
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    PORTAL_API_PORT: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ...overrides,
  });
  const app = await createPortalApp(env, logDestination);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    env,
    database,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
