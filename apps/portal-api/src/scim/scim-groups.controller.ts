import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { ScimGroupTeamsService } from '@velvet/auth';
import { ParseIdPipe } from '@velvet/common';
import { IsUUID, ValidateIf } from 'class-validator';
import { ScimGroupView } from './scim-group.view';

export class ScimGroupTeamDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null: no team',
  })
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  teamId: string | null;
}

/** The SCIM groups the identity provider pushed, and the team the org admin maps each to. */
@ApiTags('scim')
@Controller('organizations/:orgId/scim-groups')
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupTeamsService) {}

  @RequireAbility(Action.Read, 'ScimToken')
  @Get()
  @ApiOkResponse({ type: [ScimGroupView] })
  list(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<ScimGroupView[]> {
    return this.groups.list(ability, orgId);
  }

  @RequireAbility(Action.Update, 'Team')
  @Put(':groupId/team')
  @ApiOkResponse({ type: ScimGroupView })
  setTeam(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('groupId', ParseIdPipe) groupId: string,
    @Body() dto: ScimGroupTeamDto,
  ): Promise<ScimGroupView> {
    return this.groups.setTeam(ability, orgId, groupId, dto.teamId ?? null);
  }
}
