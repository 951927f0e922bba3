import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '@velvet/api-keys';
import { BudgetAlert, BudgetAlertSettings } from './budget-alerts/budget-alert.entities';
import { Team } from './entities/team.entity';
import { TeamPortsModule } from './team-ports.module';
import { TeamsService } from './teams.service';

export const TEAM_ENTITIES = [Team, BudgetAlert, BudgetAlertSettings];

@Module({
  imports: [TypeOrmModule.forFeature([Team]), ApiKeysModule, TeamPortsModule],
  providers: [TeamsService],
  exports: [TeamsService],
})
export class TeamsModule {}
