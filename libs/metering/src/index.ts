export { RefusalRecorder } from './analytics/refusal-recorder.service';
export { SpendQueries } from './analytics/spend-queries.service';
export { UsageAnalyticsModule } from './analytics/usage-analytics.module';
export { TEAMS_RELATION } from './analytics/teams-relation.port';
export { UsageAnalyticsService } from './analytics/usage-analytics.service';
export { usageCsv } from './analytics/usage-csv';
export { usageQueryProblem } from './analytics/usage-query';
export type { UsageQuery } from './analytics/usage-query';
export type { UsageGranularity, UsageGroupBy } from './analytics/usage-report.view';
export { CustomerLimit } from './entities/customer-limit.entity';
export { RateLimit } from './entities/rate-limit.entity';
export { BILLED_USAGE_STATUSES, UsageStatus } from './entities/usage-record.entity';
export {
  CUSTOMER_LIMITS_CHANGED,
  decodeLimitChange,
  limitChangesChannel,
  loosens,
} from './limits/limit-changes';
export { CustomerLimitsModule } from './limits/customer/customer-limits.module';
export { CustomerLimitsService } from './limits/customer/customer-limits.service';
/** The one-step admission script's text, for the Redis micro-bench (scripts/bench/quota-script-micro.ts). */
export { ADMIT_FINISH_LUA } from './limits/quota.scripts';
export { limitValues } from './limits/customer/limit-values';
export type { LimitTarget } from './limits/customer/limit-values';
export { LimitsModule } from './limits/limits.module';
export { LimitsService } from './limits/limits.service';
export { QuotaService } from './limits/quota.service';
export type {
  Admission,
  AdmissionRequest,
  AdmitFinishResult,
  CallFinish,
  Denial,
  IdempotencyClaim,
  LimitScope,
  OrphanCall,
  RateLimitState,
} from './limits/quota.types';
export { MeteringModule } from './metering.module';
export { METERING_REDIS, SPEND_LISTENER } from './metering.options';
export type { SpendListener, UsageIngestOptions } from './metering.options';
export { cappedScopeSpend } from './queries/capped-spend.query';
export { dailyBilledSpend } from './queries/daily-spend.query';
export type { DailyBilledSpend } from './queries/daily-spend.query';
export { billedSpendMicros } from './queries/qualifying-spend.query';
export { UsageIngestModule } from './usage/usage-ingest.module';
export { USAGE_INGEST_INTERVAL_MS, UsageIngestor } from './usage/usage-ingestor.service';
export { encodeUsage } from './usage/usage.codec';

import { CustomerLimit } from './entities/customer-limit.entity';
import { RateLimit } from './entities/rate-limit.entity';
import { UsageRecord } from './entities/usage-record.entity';
export const METERING_ENTITIES = [UsageRecord, RateLimit, CustomerLimit];
