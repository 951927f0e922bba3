import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Action,
  type AppAbility,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { CustomerLimitsService, type LimitTarget, limitValues } from '@velvet/metering';
import { CustomerLimitView, LimitsOverviewView } from './limit.views';
import { LimitValuesDto } from './teams.dto';

/** The org admin's own limits: monthly spend caps and requests/tokens per minute per organisation, team and key. */
@ApiTags('limits')
@Controller('organizations/:orgId/limits')
export class LimitsController {
  constructor(private readonly limits: CustomerLimitsService) {}

  @RequireAbility(Action.Read, 'Budget')
  @Get()
  @ApiOkResponse({ type: LimitsOverviewView })
  overview(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<LimitsOverviewView> {
    return this.limits.overview(ability, orgId);
  }

  @RequireAbility(Action.Update, 'Budget')
  @Put('organization')
  @ApiOkResponse({ type: CustomerLimitView })
  setOrganization(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: LimitValuesDto,
  ): Promise<CustomerLimitView> {
    return this.set(ability, principal, orgId, {}, dto);
  }

  @RequireAbility(Action.Update, 'Budget')
  @Put('teams/:teamId')
  @ApiOkResponse({ type: CustomerLimitView })
  setTeam(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('teamId', ParseIdPipe) teamId: string,
    @Body() dto: LimitValuesDto,
  ): Promise<CustomerLimitView> {
    return this.set(ability, principal, orgId, { teamId }, dto);
  }

  @RequireAbility(Action.Update, 'Budget')
  @Put('api-keys/:keyId')
  @ApiOkResponse({ type: CustomerLimitView })
  setKey(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) apiKeyId: string,
    @Body() dto: LimitValuesDto,
  ): Promise<CustomerLimitView> {
    return this.set(ability, principal, orgId, { apiKeyId }, dto);
  }

  @RequireAbility(Action.Update, 'Budget')
  @Delete('organization')
  @HttpCode(204)
  @ApiNoContentResponse()
  async clearOrganization(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<void> {
    await this.limits.clear(ability, principal.userId, orgId, {});
  }

  @RequireAbility(Action.Update, 'Budget')
  @Delete('teams/:teamId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async clearTeam(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('teamId', ParseIdPipe) teamId: string,
  ): Promise<void> {
    await this.limits.clear(ability, principal.userId, orgId, { teamId });
  }

  @RequireAbility(Action.Update, 'Budget')
  @Delete('api-keys/:keyId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async clearKey(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Param('keyId', ParseIdPipe) apiKeyId: string,
  ): Promise<void> {
    await this.limits.clear(ability, principal.userId, orgId, { apiKeyId });
  }

  private set(
    ability: AppAbility,
    principal: UserPrincipal,
    orgId: string,
    target: LimitTarget,
    dto: LimitValuesDto,
  ): Promise<CustomerLimitView> {
    return this.limits.set(ability, principal.userId, orgId, target, limitValues(dto));
  }
}
