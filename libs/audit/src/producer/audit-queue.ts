import type { JobsOptions } from 'bullmq';

/**
 * Audit jobs must never be dropped: many attempts with capped backoff (the worker also retries a
 * batch itself while PostgreSQL is away), completed jobs removed (the database dedupes by event
 * id), failed ones kept for inspection.
 */
export const AUDIT_JOB_OPTIONS: JobsOptions = {
  attempts: 50,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: false,
};

/** How long the producer waits for Redis to accept a job before refusing the call. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2000;
