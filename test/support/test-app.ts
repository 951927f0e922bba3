import type { INestApplication } from '@nestjs/common';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import type { AddressInfo } from 'node:net';

export interface RunningTestApp<A extends INestApplication, E> {
  app: A;
  url: string;
  env: E;
  database: TestDatabase;
  /** Stops the app, then drops its database. */
  close(): Promise<void>;
}

/**
 * Starts an app (portal, gateway) for a test on a random loopback port, over a fresh database and
 * queue prefix of its own, so suites never see each other's data. `loadEnv` gets those settings
 * (plus test mode and silent logs) and adds the app's own.
 */
export async function startTestApp<A extends INestApplication, E>(
  loadEnv: (base: Record<string, string>) => E,
  createApp: (env: E) => Promise<A>,
): Promise<RunningTestApp<A, E>> {
  const database = await createTestDatabase();
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: testQueuePrefix(),
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(env);
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
