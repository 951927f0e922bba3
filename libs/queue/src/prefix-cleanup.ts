import type IORedis from 'ioredis';
import { createRedis, type RedisConfig } from './redis.factory';

/**
 * Deletes every key under `<prefix>:` (queues, counters, streams) and `{<prefix>}:` (the queues on
 * a cluster). Scratch runs (benchmarks, fault tests, evaluations) call it when they finish, so a
 * shared Redis keeps nothing of them.
 */
export async function deleteKeysWithPrefix(
  redis: string | RedisConfig,
  prefix: string,
): Promise<number> {
  const client = createRedis(redis, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    // A cluster answers SCAN per node: walk every master.
    const c = client as unknown as { nodes?: (role: string) => IORedis[] };
    const nodes = typeof c.nodes === 'function' ? c.nodes('master') : [client];
    for (const node of nodes)
      for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          if (node === client) {
            if (keys.length) deleted += await client.unlink(...keys);
          } else {
            // One key per UNLINK: keys of different slots cannot share a command on a cluster.
            for (const key of keys) deleted += await client.unlink(key);
          }
          cursor = next;
        } while (cursor !== '0');
      }
  } finally {
    client.disconnect();
  }
  return deleted;
}
