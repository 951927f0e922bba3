import { baseEnvSchema, parseEnv } from '@velvet/config';
import { z } from 'zod';

export const detectionWorkerEnvSchema = baseEnvSchema.extend({
  /** Wall-clock budget of one detection run; organisations not reached wait for the next run. */
  DETECTION_RUN_BUDGET_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
});

export type DetectionWorkerEnv = z.infer<typeof detectionWorkerEnvSchema>;

export const loadDetectionWorkerEnv = (
  source?: Record<string, string | undefined>,
): DetectionWorkerEnv => parseEnv(detectionWorkerEnvSchema, source);
