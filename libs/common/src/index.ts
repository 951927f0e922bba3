export { AdminActivityLog } from './activity/admin-activity-log';
export type { AdminAction } from './activity/admin-activity-log';
export { hashPassword, randomToken, sameHash, sha256Hex, verifyPassword } from './crypto/secrets';
export { TablesFingerprint } from './database/tables-fingerprint';
export { DomainErrorKind, DomainException, NotFoundError } from './errors/domain.exception';
export {
  HostileInputPipe,
  ParseSafeIntPipe,
  RangePipe,
  refuseHostileRequests,
  requireJsonBodies,
} from './http/input-safety';
export { PageQuery } from './http/pagination';
export type { Page } from './http/pagination';
export { ParseIdPipe } from './http/parse-id.pipe';
export { loggerOptions } from './logging/logger.options';
export { safeError } from './logging/redact';
export { leanHistogram } from './metrics/lean-histogram';
export { MetricsModule, MetricsServer, READINESS_PROBE } from './metrics/metrics.module';
export type { ReadinessProbe } from './metrics/metrics.module';
export {
  LATENCY_BUCKETS,
  METRICS_REGISTRY,
  counter,
  createMetricsRegistry,
  gaugeOf,
  histogram,
  httpRequestDuration,
} from './metrics/metrics.registry';
export type { ReadinessReport } from './metrics/metrics.server';
export { exitWithin } from './metrics/shutdown';
export { storeReadiness } from './metrics/store-readiness';
export type { StoreReadiness } from './metrics/store-readiness';
export { streamBacklogGauges } from './metrics/stream-backlog';
export { bigintTransformer, costOfTokens, formatMicros } from './money/money';
export type { Micros } from './money/money';
