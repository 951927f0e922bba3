/** Whether each store a worker needs answers now: the database and Redis, pinged at once. */
export interface StoreReadiness {
  ready: boolean;
  database: 'up' | 'down';
  redis: 'up' | 'down';
}

const up = (p: Promise<unknown>): Promise<'up' | 'down'> =>
  p.then(
    () => 'up',
    () => 'down',
  );

/**
 * Readiness of a process that serves nothing without both stores: a failed ping reports the store
 * `down` (never throws), so `/ready` always answers and says which one is missing.
 */
export async function storeReadiness(stores: {
  database: { query(sql: string): Promise<unknown> };
  redis: { ping(): Promise<unknown> };
}): Promise<StoreReadiness> {
  const [database, redis] = await Promise.all([
    up(stores.database.query('SELECT 1')),
    up(stores.redis.ping()),
  ]);
  return { ready: database === 'up' && redis === 'up', database, redis };
}
