import type { AppendOutcome } from './audit-log.writer';

/** Connection loss, shutdown, overload, serialization: worth waiting for; anything else is the data's fault. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return true;
  if (/^(ECONN|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '40001' || code === '40P01';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ResilientOptions {
  /** Give up on transient errors after this long; the jobs then fail and BullMQ retries them later. */
  maxWaitMs: number;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Writes a batch, riding out a PostgreSQL restart by retrying with capped backoff. A batch
 * refused for its data is split so one bad entry fails only its own job.
 */
export async function appendResiliently<T>(
  append: (entries: T[]) => Promise<AppendOutcome[]>,
  entries: T[],
  options: ResilientOptions,
): Promise<Array<AppendOutcome | Error>> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await append(entries);
    } catch (error) {
      if (!isTransient(error)) break;
      if (Date.now() - started > options.maxWaitMs) return entries.map(() => error as Error);
      options.onRetry?.(error, attempt);
      await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
    }
  }
  if (entries.length === 1) {
    try {
      return await append(entries);
    } catch (error) {
      return [error as Error];
    }
  }
  const results: Array<AppendOutcome | Error> = [];
  for (const entry of entries) results.push(...(await appendResiliently(append, [entry], options)));
  return results;
}
