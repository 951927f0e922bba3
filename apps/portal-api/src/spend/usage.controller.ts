import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { ParseIdPipe } from '@velvet/common';
import { UsageAnalyticsService, usageCsv } from '@velvet/metering';
import type { Response } from 'express';
import { assertSpendReadable } from './spend-access';
import { UsageQueryDto } from './usage-query.dto';
import { usageQueryOf } from './usage-range';
import { UsageBreakdownLineView, UsageReportView } from './usage.views';

/** Usage analytics: per day or hour, by model, key or team; totals, refusals, CSV. Read from rollups. */
@ApiTags('usage')
@Controller('organizations/:orgId/usage')
export class UsageController {
  constructor(private readonly usage: UsageAnalyticsService) {}

  /** Points per bucket (and group), totals and refusals by reason over a range of UTC days. */
  @RequireAbility(Action.Read, 'Spend')
  @Get()
  @ApiOkResponse({ type: UsageReportView })
  report(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Query() query: UsageQueryDto,
  ): Promise<UsageReportView> {
    assertSpendReadable(ability, orgId);
    return this.usage.report(usageQueryOf(orgId, query));
  }

  /** One line per model × key (× team) over the range, largest cost first, with refusals by reason. */
  @RequireAbility(Action.Read, 'Spend')
  @Get('breakdown')
  @ApiOkResponse({ type: [UsageBreakdownLineView] })
  breakdown(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Query() query: UsageQueryDto,
  ): Promise<UsageBreakdownLineView[]> {
    assertSpendReadable(ability, orgId);
    return this.usage.breakdown(usageQueryOf(orgId, query));
  }

  /** Every bucket × model × key line of the range as CSV (RFC 4180, formulas defused). */
  @RequireAbility(Action.Read, 'Spend')
  @Get('csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    schema: { type: 'string' },
    description: 'RFC 4180 CSV with a header line, an attachment',
    headers: { 'Content-Disposition': { schema: { type: 'string' } } },
  })
  async csv(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Query() query: UsageQueryDto,
    @Res() res: Response,
  ) {
    assertSpendReadable(ability, orgId);
    const q = usageQueryOf(orgId, query);
    const body = usageCsv(await this.usage.lines(q));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="usage-${q.from}-${q.to}-${q.granularity}.csv"`,
    );
    res.send(body);
  }
}
