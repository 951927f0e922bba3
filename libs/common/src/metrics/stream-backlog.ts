import type { Registry } from 'prom-client';
import { gaugeOf } from './metrics.registry';

/** What a backlog gauge needs from a Redis client (ioredis, no key prefix). */
export interface StreamReader {
  xlen(key: string): Promise<number>;
  xrange(
    key: string,
    start: string,
    end: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]][]>;
}

/**
 * Backlog of the product's Redis streams (usage, gateway audit entries): their consumers delete an
 * entry once it is stored, so the length is what is not stored yet and the oldest entry's id (its
 * append time in ms) gives the lag. A stream given as several keys (its shard streams on a Redis
 * Cluster) is one series: the sum of their lengths, the oldest of their heads.
 */
export function streamBacklogGauges(
  registry: Registry,
  redis: StreamReader,
  streams: Record<string, string | readonly string[]>,
): void {
  const entries = Object.entries(streams).map(
    ([name, keys]) => [name, typeof keys === 'string' ? [keys] : keys] as const,
  );
  gaugeOf(
    registry,
    'velvet_stream_length',
    'Entries not yet consumed, by stream',
    ['stream'] as const,
    async (set) => {
      for (const [name, keys] of entries) {
        const lengths = await Promise.all(keys.map((key) => redis.xlen(key)));
        set(
          { stream: name },
          lengths.reduce((a, b) => a + b, 0),
        );
      }
    },
  );
  gaugeOf(
    registry,
    'velvet_stream_lag_seconds',
    'Age of the oldest entry not yet consumed (0 when empty), by stream',
    ['stream'] as const,
    async (set) => {
      const now = Date.now();
      for (const [name, keys] of entries) {
        const heads = await Promise.all(keys.map((key) => redis.xrange(key, '-', '+', 'COUNT', 1)));
        const oldest = Math.min(...heads.map(([first]) => (first ? idTime(first[0]) : now)));
        set({ stream: name }, Math.max(0, now - oldest) / 1000);
      }
    },
  );
}

/** A stream entry id's append time in ms (`<ms>-<seq>`). */
const idTime = (id: string): number => Number(id.split('-')[0]);
