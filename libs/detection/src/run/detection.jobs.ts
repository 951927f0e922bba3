import type { JobsOptions } from 'bullmq';

export const DETECTION_RUN_JOB = 'run';

/** `asOf` absent: the window ending now (the periodic sweep). Present: that window (on demand, the eval harness). */
export interface DetectionRunPayload {
  asOf?: string;
  requestedBy?: string | null;
}

/** Every 5 minutes the 20-minute window slides on. */
export const DETECTION_SWEEP_EVERY_MS = 5 * 60_000;

export const DETECTION_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 500 },
  removeOnFail: { count: 1000 },
};
