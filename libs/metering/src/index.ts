export { RateLimit } from './entities/rate-limit.entity';
export { BILLED_USAGE_STATUSES, UsageStatus } from './entities/usage-record.entity';
export { decodeLimitChange, limitChangesChannel } from './limits/limit-changes';
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
  OrphanCall,
  RateLimitState,
} from './limits/quota.types';
export { MeteringModule } from './metering.module';
export { METERING_REDIS, SPEND_LISTENER } from './metering.options';
export type { SpendListener } from './metering.options';
export type { SpendBreakdownRow } from './spend-breakdown.view';

import { RateLimit } from './entities/rate-limit.entity';
import { UsageRecord } from './entities/usage-record.entity';
export const METERING_ENTITIES = [UsageRecord, RateLimit];
export { billedSpendMicros } from './queries/qualifying-spend.query';
export type { SpendWindow } from './queries/qualifying-spend.query';
