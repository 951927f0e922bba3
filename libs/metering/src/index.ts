export * from './entities/usage-record.entity';

import { UsageRecord } from './entities/usage-record.entity';

export const METERING_ENTITIES = [UsageRecord];
