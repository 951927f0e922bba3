import type { AppendOutcome } from './audit-log.writer';

/** Node's socket errors: the connection to PostgreSQL was refused, lost or timed out. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs worth retrying: 08xxx connection exceptions, 40001 serialization failure,
 * 40P01 deadlock, 53xxx insufficient resources (e.g. too many connections), 57P01-57P03 admin
 * shutdown, crash shutdown, cannot connect now (a restart).
 */
const TRANSIENT_SQLSTATE = /^(08...|40001|40P01|53...|57P0[123])$/;

/**
 * node-postgres' own messages when the socket goes away mid-query; it raises them without a code.
 */
const LOST_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Connection ended|timeout exceeded when trying to connect)/;

/**
 * Connection loss, shutdown, overload, serialization: worth waiting for. Only what is listed here is
 * transient; anything else (including an error without a code) is the data's or the code's fault.
 */
export function isTransient(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return CONNECTION_CODES.has(code) || TRANSIENT_SQLSTATE.test(code);
  return typeof message === 'string' && LOST_CONNECTION.test(message);
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
