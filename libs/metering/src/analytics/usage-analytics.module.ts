import { Module } from '@nestjs/common';
import { SpendQueries } from './spend-queries.service';
import { UsageAnalyticsService } from './usage-analytics.service';

/** Read side of metering for the portal: usage analytics and spend, from the rollups. */
@Module({
  providers: [UsageAnalyticsService, SpendQueries],
  exports: [UsageAnalyticsService, SpendQueries],
})
export class UsageAnalyticsModule {}
