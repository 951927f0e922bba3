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
 * append time in ms) gives the lag.
 */
export function streamBacklogGauges(
  registry: Registry,
  redis: StreamReader,
  streams: Record<string, string>,
): void {
  const entries = Object.entries(streams);
  gaugeOf(
    registry,
    'velvet_stream_length',
    'Entries not yet consumed, by stream',
    ['stream'] as const,
    async (set) => {
      for (const [name, key] of entries) set({ stream: name }, await redis.xlen(key));
    },
  );
  gaugeOf(
    registry,
    'velvet_stream_lag_seconds',
    'Age of the oldest entry not yet consumed (0 when empty), by stream',
    ['stream'] as const,
    async (set) => {
      const now = Date.now();
      for (const [name, key] of entries) {
        const [first] = await redis.xrange(key, '-', '+', 'COUNT', 1);
        set({ stream: name }, first ? Math.max(0, now - Number(first[0].split('-')[0])) / 1000 : 0);
      }
    },
  );
}
