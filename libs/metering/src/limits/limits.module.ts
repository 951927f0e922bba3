import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerLimit } from '../entities/customer-limit.entity';
import { RateLimit } from '../entities/rate-limit.entity';
import { LimitsService } from './limits.service';

/** Limit overrides only (no Redis): what the portal and the detection engine import. */
@Module({
  imports: [TypeOrmModule.forFeature([RateLimit, CustomerLimit])],
  providers: [LimitsService],
  exports: [LimitsService],
})
export class LimitsModule {}
