import { Module } from '@nestjs/common';
import { ContractsModule } from '@velvet/contracts';
import { UsageAnalyticsModule } from '@velvet/metering';
import { StatementUsageService } from './statement-usage.service';
import { StatementsController } from './statements.controller';

/** Commitment statements: per period, spend against the minimum, and the usage behind it. */
@Module({
  imports: [ContractsModule, UsageAnalyticsModule],
  controllers: [StatementsController],
  providers: [StatementUsageService],
})
export class StatementsModule {}
