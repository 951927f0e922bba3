import type { INestApplicationContext } from '@nestjs/common';
import { loadWorkerEnv } from '../../apps/worker/src/env';
import { createWorkerApp } from '../../apps/worker/src/worker-app';

/** A real audit worker in this process, over the given database and queue prefix. */
export function startAuditWorker(
  databaseUrl: string,
  queuePrefix: string,
  overrides: Record<string, string> = {},
): Promise<INestApplicationContext> {
  return createWorkerApp(
    loadWorkerEnv({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'silent',
      AUDIT_TREE_HEAD_INTERVAL_MS: '300',
      ...overrides,
    }),
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
