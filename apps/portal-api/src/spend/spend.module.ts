import { Module } from '@nestjs/common';
import { UsageAnalyticsModule } from '@velvet/metering';
import { SpendController } from './spend.controller';
import { UsageController } from './usage.controller';

/** Spend and usage analytics for the web portal (read-only, from the usage rollups in libs/metering). */
@Module({ imports: [UsageAnalyticsModule], controllers: [SpendController, UsageController] })
export class SpendModule {}
