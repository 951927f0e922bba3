import { baseEnvSchema, parseEnv } from '@velvet/config';
import { z } from 'zod';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const workerEnvSchema = baseEnvSchema
  .extend({
    /** Ed25519 private key (PKCS#8 PEM or base64 DER) signing tree heads. Required in production. */
    AUDIT_SIGNING_KEY: z.string().min(40, 'must be a PKCS#8 Ed25519 key (PEM or base64 DER)').optional(),
    /** Jobs in flight per worker process; run two processes so one fills a batch while the other's is written. */
    AUDIT_WORKER_CONCURRENCY: int(1, 10000, 1000),
    AUDIT_BATCH_SIZE: int(1, 5000, 1000),
    AUDIT_BATCH_WAIT_MS: int(0, 1000, 10),
    /** How long a batch waits out a PostgreSQL outage before its jobs fail (and BullMQ retries them). */
    AUDIT_DB_OUTAGE_WAIT_MS: int(1000, 600_000, 60_000),
    /** Gateway audit entries a killed worker had read but not queued are taken over after this long. */
    AUDIT_INTAKE_CLAIM_IDLE_MS: int(500, 600_000, 10_000),
    AUDIT_TREE_HEAD_INTERVAL_MS: int(200, 3_600_000, 10_000),
    AUDIT_TEXT_PURGE_INTERVAL_MS: int(1000, 86_400_000, 3_600_000),
  })
  .refine((env) => env.NODE_ENV !== 'production' || !!env.AUDIT_SIGNING_KEY, {
    path: ['AUDIT_SIGNING_KEY'],
    message: 'is required in production',
  });

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (source?: Record<string, string | undefined>): WorkerEnv => parseEnv(workerEnvSchema, source);
