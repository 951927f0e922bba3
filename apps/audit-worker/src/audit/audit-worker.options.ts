export const AUDIT_WORKER_OPTIONS = Symbol('AUDIT_WORKER_OPTIONS');

export interface AuditWorkerOptions {
  concurrency: number;
  batchSize: number;
  batchWaitMs: number;
  dbOutageWaitMs: number;
  treeHeadIntervalMs: number;
  textPurgeIntervalMs: number;
  rowSweepIntervalMs: number;
}
