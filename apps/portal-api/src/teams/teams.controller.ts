import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Action,
  type AppAbility,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { TeamsService } from '@velvet/teams';
import { TeamView } from './team.view';
import { TeamNameDto } from './teams.dto';

@ApiTags('teams')
@Controller('organizations/:orgId/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @RequireAbility(Action.Read, 'Team')
  @Get()
  @ApiOkResponse({ type: [TeamView] })
  list(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<TeamView[]> {
    return this.teams.list(ability, orgId);
  }

  @RequireAbility(Action.Create, 'Team')
  @Post()
  @ApiCreatedResponse({ type: TeamView })
  create(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: TeamNameDto,
  ): Promise<TeamView> {
    return this.teams.create(ability, principal.userId, orgId, dto.name);
  }

  @RequireAbility(Action.Update, 'Team')
  @Patch(':teamId')
  @ApiOkResponse({ type: TeamView })
  rename(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('teamId', ParseIdPipe) teamId: string,
    @Body() dto: TeamNameDto,
  ): Promise<TeamView> {
    return this.teams.rename(ability, principal.userId, orgId, teamId, dto.name);
  }

  /** The team's keys stay, without a team. */
  @RequireAbility(Action.Delete, 'Team')
  @Delete(':teamId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('teamId', ParseIdPipe) teamId: string,
  ): Promise<void> {
    await this.teams.remove(ability, principal.userId, orgId, teamId);
  }
}
