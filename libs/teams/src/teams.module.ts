import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@velvet/api-keys';
import { CustomerLimit, LimitsModule, RateLimit } from '@velvet/metering';
import { CustomerLimitsService } from './customer-limits.service';
import { BudgetAlert, BudgetAlertSettings } from './budget-alerts/budget-alert.entities';
import { Team } from './entities/team.entity';
import { TeamPortsModule } from './team-ports.module';
import { TeamsService } from './teams.service';

export const TEAM_ENTITIES = [Team, BudgetAlert, BudgetAlertSettings];

@Module({
  imports: [
    TypeOrmModule.forFeature([Team, CustomerLimit, RateLimit]),
    ApiKeysModule,
    LimitsModule,
    TeamPortsModule,
  ],
  providers: [TeamsService, CustomerLimitsService],
  exports: [TeamsService, CustomerLimitsService],
})
export class TeamsModule {}
