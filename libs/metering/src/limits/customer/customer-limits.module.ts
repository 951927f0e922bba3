import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerLimit } from '../../entities/customer-limit.entity';
import { RateLimit } from '../../entities/rate-limit.entity';
import { LimitsModule } from '../limits.module';
import { CustomerLimitsService } from './customer-limits.service';

/**
 * The org admin's limits (portal only). Checks a team through api-keys' `TEAM_DIRECTORY` port,
 * which the app provides (the teams lib's global `TeamPortsModule`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([CustomerLimit, RateLimit]), LimitsModule],
  providers: [CustomerLimitsService],
  exports: [CustomerLimitsService],
})
export class CustomerLimitsModule {}
