import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@velvet/api-keys';
import { CustomerLimit, LimitsModule, RateLimit } from '@velvet/metering';
import { CustomerLimitsService } from './customer-limits.service';
import { Team } from './entities/team.entity';
import { TeamsService } from './teams.service';

export const TEAM_ENTITIES = [Team];

@Module({
  imports: [TypeOrmModule.forFeature([...TEAM_ENTITIES, CustomerLimit, RateLimit]), ApiKeysModule, LimitsModule],
  providers: [TeamsService, CustomerLimitsService],
  exports: [TeamsService, CustomerLimitsService],
})
export class TeamsModule {}
