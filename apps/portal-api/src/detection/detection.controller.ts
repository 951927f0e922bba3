import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Action, CurrentPrincipal, RequireAbility, type UserPrincipal } from '@velvet/access';
import { NotFoundError, type Page, ParseIdPipe } from '@velvet/common';
import {
  AlertCasesService,
  DetectionScheduler,
  ProvenanceService,
  RiskScoresReader,
} from '@velvet/detection';
import {
  DetectionRunDto,
  ListCasesQuery,
  OptionalReasonDto,
  ProvenanceDto,
  ReasonDto,
  RiskScoresQuery,
  ThrottleDto,
} from './detection.dto';
import {
  AlertCaseDetailView,
  AlertCasePage,
  AlertCaseView,
  DetectionRunStatusView,
  DetectionRunView,
  ProvenanceResultView,
  RiskScoreView,
} from './detection.views';

/** Security review: alert cases and their actions, risk scores, provenance, on-demand detection. */
@ApiTags('security')
@Controller('security')
@RequireAbility(Action.Manage, 'AlertCase')
export class DetectionController {
  constructor(
    private readonly cases: AlertCasesService,
    private readonly provenance: ProvenanceService,
    private readonly scheduler: DetectionScheduler,
    private readonly scores: RiskScoresReader,
  ) {}

  @ApiOkResponse({ type: AlertCasePage })
  @Get('alert-cases')
  list(@Query() q: ListCasesQuery): Promise<Page<AlertCaseView>> {
    return this.cases.list({
      status: q.status,
      organizationId: q.organizationId,
      limit: q.limit,
      offset: q.offset,
    });
  }

  @ApiOkResponse({ type: AlertCaseDetailView })
  @Get('alert-cases/:id')
  get(@Param('id', ParseIdPipe) id: string): Promise<AlertCaseDetailView> {
    return this.cases.get(id);
  }

  @ApiOkResponse({ type: AlertCaseView })
  @Post('alert-cases/:id/acknowledge')
  @HttpCode(200)
  acknowledge(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: OptionalReasonDto,
  ): Promise<AlertCaseView> {
    return this.cases.acknowledge(id, p.userId, dto.reason ?? null);
  }

  @ApiOkResponse({ type: AlertCaseView })
  @Post('alert-cases/:id/escalate')
  @HttpCode(200)
  escalate(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<AlertCaseView> {
    return this.cases.escalate(id, p.userId, dto.reason);
  }

  @ApiOkResponse({ type: AlertCaseView })
  @Post('alert-cases/:id/dismiss')
  @HttpCode(200)
  dismiss(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<AlertCaseView> {
    return this.cases.dismiss(id, p.userId, dto.reason);
  }

  @ApiOkResponse({ type: AlertCaseView })
  @Post('alert-cases/:id/resolve')
  @HttpCode(200)
  resolve(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<AlertCaseView> {
    return this.cases.resolve(id, p.userId, dto.reason);
  }

  @ApiOkResponse({ type: AlertCaseDetailView })
  @Post('alert-cases/:id/throttle')
  @HttpCode(200)
  throttle(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ThrottleDto,
  ): Promise<AlertCaseDetailView> {
    return this.cases.throttle(id, p.userId, dto);
  }

  @ApiOkResponse({ type: AlertCaseDetailView })
  @Post('alert-cases/:id/suspend')
  @HttpCode(200)
  suspend(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<AlertCaseDetailView> {
    return this.cases.suspend(id, p.userId, dto.reason);
  }

  @ApiOkResponse({ type: AlertCaseDetailView })
  @Post('alert-cases/:id/restore')
  @HttpCode(200)
  restore(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<AlertCaseDetailView> {
    return this.cases.restore(id, p.userId, dto.reason);
  }

  @ApiOkResponse({ type: [RiskScoreView] })
  @Get('risk-scores')
  riskScores(@Query() q: RiskScoresQuery): Promise<RiskScoreView[]> {
    return this.scores.latest(q.organizationId, q.limit);
  }

  @ApiOkResponse({ type: ProvenanceResultView })
  @Post('provenance')
  @HttpCode(200)
  trace(@Body() dto: ProvenanceDto): Promise<ProvenanceResultView> {
    return this.provenance.search(dto.text, { limit: dto.limit, minSimilarity: dto.minSimilarity });
  }

  @ApiAcceptedResponse({ type: DetectionRunView })
  @Post('detection/runs')
  @HttpCode(202)
  run(
    @CurrentPrincipal() p: UserPrincipal,
    @Body() dto: DetectionRunDto,
  ): Promise<DetectionRunView> {
    return this.scheduler.requestRun(dto.asOf ?? null, p.userId);
  }

  @ApiOkResponse({ type: DetectionRunStatusView })
  @Get('detection/runs/:jobId')
  async runStatus(@Param('jobId') jobId: string): Promise<DetectionRunStatusView> {
    const status = await this.scheduler.status(jobId);
    if (!status) throw new NotFoundError('Detection run');
    return status;
  }
}
