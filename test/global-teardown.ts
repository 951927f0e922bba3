import IORedis from 'ioredis';
import { Client } from 'pg';

/** Leftovers of crashed or interrupted runs older than this are removed; younger ones may be in use. */
const STALE_MS = 2 * 3600 * 1000;

/** `velvet_test_s_<base36 ms>_…` and `test-<base36 ms>-…` carry their creation time. */
const createdAt = (name: string, pattern: RegExp): number | null => {
  const match = pattern.exec(name);
  return match ? parseInt(match[1], 36) : null;
};
const isStale = (created: number | null) => created !== null && Date.now() - created > STALE_MS;

/**
 * Suites drop their own database. Redis keys are deleted here, once every suite is done: those of
 * this run's prefixes (each carries the run's tag, global-setup.ts), whichever app wrote them, and
 * what killed runs left behind, so a developer's machine does not fill up. Of other runs it never
 * touches anything younger than two hours.
 */
export default async function globalTeardown(): Promise<void> {
  const pg = new Client({
    connectionString:
      process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'velvet\\_test\\_s\\_%'`,
    );
    for (const { datname } of rows) {
      if (isStale(createdAt(datname, /^velvet_test_s_([0-9a-z]+)_/))) {
        await pg.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
      }
    }
  } finally {
    await pg.end();
  }

  const redis = new IORedis({
    host: '127.0.0.1',
    port: 6379,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  const run = process.env.VELVET_TEST_RUN;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'test-*', 'COUNT', 1000);
      cursor = next;
      const done = keys.filter(
        (k) => (run && k.includes(`-${run}-`)) || isStale(createdAt(k, /^test-([0-9a-z]+)-/)),
      );
      if (done.length) await redis.unlink(...done);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
