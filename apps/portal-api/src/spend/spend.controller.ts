import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { SpendQueries } from '@velvet/metering';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { assertSpendReadable } from './spend-access';
import { DailySpendView, SpendBreakdownRowView } from './spend.views';

export class SpendQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 366, default: 90 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days = 90;
}

@ApiTags('spend')
@Controller('organizations/:orgId/spend')
export class SpendController {
  constructor(private readonly spend: SpendQueries) {}

  /** Daily spend over the last `days` UTC days (for the dashboard chart and the account manager's review). */
  @RequireAbility(Action.Read, 'Spend')
  @Get()
  @ApiOkResponse({ type: [DailySpendView] })
  daily(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Query() query: SpendQuery,
  ): Promise<DailySpendView[]> {
    assertSpendReadable(ability, orgId);
    return this.spend.daily(orgId, query.days);
  }

  /** Spend per model and API key over the last `days` UTC days (the spend page's breakdown). */
  @RequireAbility(Action.Read, 'Spend')
  @Get('breakdown')
  @ApiOkResponse({ type: [SpendBreakdownRowView] })
  breakdown(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Query() query: SpendQuery,
  ): Promise<SpendBreakdownRowView[]> {
    assertSpendReadable(ability, orgId);
    return this.spend.breakdown(orgId, query.days);
  }
}
