import { baseEnvSchema, offInProduction, parseEnv, switchSchema } from '@velvet/config';
import { USAGE_INGEST_INTERVAL_MS } from '@velvet/metering';
import { z } from 'zod';

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const workerEnvSchema = baseEnvSchema
  .extend({
    /** File holding the Ed25519 private key (PKCS#8 PEM or base64 DER) that signs checkpoints, mode 0600. Required in production. */
    AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** The checkpoints' origin line: names this deployment's log (the public URL prefix without scheme). */
    AUDIT_LOG_ORIGIN: z
      .string()
      .regex(/^[^\s+]+$/, 'must be one line without spaces or +')
      .default('velvet-rope.localhost/audit-log'),
    /** A C2SP tlog-policy file; every witness in it with a URL is asked to cosign each checkpoint. */
    AUDIT_WITNESS_POLICY_FILE: z.string().min(1).optional(),
    AUDIT_WITNESS_TIMEOUT_MS: int(100, 60_000, 5000),
    /** Audit-queue jobs (admin actions, refused entries' retries) in flight per worker process. */
    AUDIT_WORKER_CONCURRENCY: int(1, 10000, 1000),
    AUDIT_BATCH_SIZE: int(1, 5000, 1000),
    /**
     * At most one read of the gateways' audit stream per consumer, and the longest a batch waits
     * to fill, per this interval. Against 10 ms, 50 ms cuts the worker's and PostgreSQL's CPU per
     * premium call by half at 250 calls/s and by a third at 500 (each batch is a transaction with
     * the tree lock, whatever its size; docs/performance.md, seventeenth session), for ≤ 50 ms
     * more before a call is in the log, where a signed tree head follows only every
     * AUDIT_TREE_HEAD_INTERVAL_MS anyway.
     */
    AUDIT_BATCH_WAIT_MS: int(0, 1000, 50),
    /** How long a batch waits out a PostgreSQL outage before its jobs fail (and BullMQ retries them). */
    AUDIT_DB_OUTAGE_WAIT_MS: int(1000, 600_000, 60_000),
    /** Gateway audit events a killed worker had read but not committed are taken over after this long. */
    AUDIT_INTAKE_CLAIM_IDLE_MS: int(500, 600_000, 10_000),
    /** Consumers of the gateway's audit stream per process (each reads a batch of AUDIT_BATCH_SIZE). */
    AUDIT_INTAKE_CONSUMERS: int(1, 16, 2),
    AUDIT_TREE_HEAD_INTERVAL_MS: int(200, 3_600_000, 10_000),
    AUDIT_TEXT_PURGE_INTERVAL_MS: int(1000, 86_400_000, 3_600_000),
    /** How often every row is re-checked against its leaf (AuditRowSweep). */
    AUDIT_ROW_SWEEP_INTERVAL_MS: int(1000, 7 * 86_400_000, 3_600_000),
    /** Usage records a killed worker had read but not stored are taken over after this long. */
    USAGE_INGEST_CLAIM_IDLE_MS: int(100, 600_000, 30_000),
    /**
     * At most one usage batch (one PostgreSQL transaction of a few queries, whatever its size) per
     * this interval: longer is less CPU per call, shorter brings spend to the entitlement engine sooner.
     */
    USAGE_INGEST_INTERVAL_MS: int(10, 1000, USAGE_INGEST_INTERVAL_MS),
    /** SMTP relay for budget alerts (`smtp://user:pass@host:587`); unset: alerts go by webhook only. */
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('Velvet Rope <alerts@velvet-rope.invalid>'),
    /** How often customer spend caps are compared with this month's spend. */
    BUDGET_ALERT_SCAN_MS: int(100, 86_400_000, 60_000),
    /** First retry delay of a failed e-mail or webhook delivery (doubled at each attempt). */
    BUDGET_ALERT_RETRY_MS: int(10, 3_600_000, 5_000),
    /** Budget-alert webhooks to loopback/private/link-local hosts: tests and development only. */
    BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE: switchSchema,
  })
  .refine(...offInProduction('BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE'))
  .refine((env) => env.NODE_ENV !== 'production' || !!env.AUDIT_SIGNING_KEY_FILE, {
    path: ['AUDIT_SIGNING_KEY_FILE'],
    message: 'is required in production',
  });

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const loadWorkerEnv = (source?: Record<string, string | undefined>): WorkerEnv =>
  parseEnv(workerEnvSchema, source);
