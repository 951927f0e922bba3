export const AUDIT_WORKER_OPTIONS = Symbol('AUDIT_WORKER_OPTIONS');

export interface AuditWorkerOptions {
  concurrency: number;
  batchSize: number;
  batchWaitMs: number;
  dbOutageWaitMs: number;
  /** Readers of the gateway's audit stream per process: one batch is derived while another is written. */
  intakeConsumers: number;
  intakeClaimIdleMs: number;
  treeHeadIntervalMs: number;
  textPurgeIntervalMs: number;
  rowSweepIntervalMs: number;
}
