import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  Action,
  type AppAbility,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type UserPrincipal,
} from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { BudgetAlertSettingsService } from '@velvet/teams';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { BudgetAlertSettingsView, BudgetWebhookView } from './budget-alert.views';

export class BudgetWebhookDto {
  @ApiProperty({ example: 'https://ops.example.com/hooks/velvet-budget' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ description: 'Make a new signing secret even if one exists' })
  @IsOptional()
  @IsBoolean()
  rotateSecret?: boolean;
}

/** Budget alerts (50/80/100 % of each monthly cap): the org's admins get e-mail; a webhook is optional. */
@ApiTags('limits')
@Controller('organizations/:orgId/budget-alerts')
export class BudgetAlertsController {
  constructor(private readonly settings: BudgetAlertSettingsService) {}

  @RequireAbility(Action.Read, 'Budget')
  @Get()
  @ApiOkResponse({ type: BudgetAlertSettingsView })
  get(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<BudgetAlertSettingsView> {
    return this.settings.get(ability, orgId);
  }

  /** The signing secret (`whsec_…`) is in this answer when it is made, and never again. */
  @RequireAbility(Action.Update, 'Budget')
  @Put('webhook')
  @ApiOkResponse({ type: BudgetWebhookView })
  setWebhook(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: BudgetWebhookDto,
  ): Promise<BudgetWebhookView> {
    return this.settings.setWebhook(ability, principal.userId, orgId, dto.url, dto.rotateSecret);
  }

  @RequireAbility(Action.Update, 'Budget')
  @Delete('webhook')
  @HttpCode(204)
  @ApiNoContentResponse()
  async removeWebhook(
    @CurrentAbility() ability: AppAbility,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<void> {
    await this.settings.setWebhook(ability, principal.userId, orgId, null);
  }
}
