export * from './entities/usage-record.entity';
export * from './entities/rate-limit.entity';
export * from './entities/customer-limit.entity';
export * from './limits/limits.service';
export * from './limits/limit-changes';
export * from './limits/limits.module';
export * from './limits/quota.service';
export * from './limits/quota.types';
export * from './usage/usage-ingestor.service';
export { encodeUsage } from './usage/usage.codec';
export * from './metering.options';
export * from './metering.module';

import { CustomerLimit } from './entities/customer-limit.entity';
import { RateLimit } from './entities/rate-limit.entity';
import { UsageRecord } from './entities/usage-record.entity';

export const METERING_ENTITIES = [UsageRecord, RateLimit, CustomerLimit];
export * from './spend-breakdown.view';
export * from './analytics/usage-report.view';
export * from './analytics/usage-query';
export * from './analytics/usage-analytics.service';
export * from './analytics/usage-analytics.module';
export * from './analytics/spend-queries.service';
export * from './analytics/refusal-recorder.service';
export * from './analytics/usage-csv';
