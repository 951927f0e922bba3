import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Action, CurrentPrincipal, RequireAbility, type UserPrincipal } from '@velvet/access';
import { NotFoundError, ParseIdPipe } from '@velvet/common';
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

  @Get('alert-cases')
  list(@Query() q: ListCasesQuery) {
    return this.cases.list({
      status: q.status,
      organizationId: q.organizationId,
      limit: q.limit,
      offset: q.offset,
    });
  }

  @Get('alert-cases/:id')
  get(@Param('id', ParseIdPipe) id: string) {
    return this.cases.get(id);
  }

  @Post('alert-cases/:id/acknowledge')
  @HttpCode(200)
  acknowledge(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: OptionalReasonDto,
  ) {
    return this.cases.acknowledge(id, p.userId, dto.reason ?? null);
  }

  @Post('alert-cases/:id/escalate')
  @HttpCode(200)
  escalate(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ) {
    return this.cases.escalate(id, p.userId, dto.reason);
  }

  @Post('alert-cases/:id/dismiss')
  @HttpCode(200)
  dismiss(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ) {
    return this.cases.dismiss(id, p.userId, dto.reason);
  }

  @Post('alert-cases/:id/resolve')
  @HttpCode(200)
  resolve(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ) {
    return this.cases.resolve(id, p.userId, dto.reason);
  }

  @Post('alert-cases/:id/throttle')
  @HttpCode(200)
  throttle(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ThrottleDto,
  ) {
    return this.cases.throttle(id, p.userId, dto);
  }

  @Post('alert-cases/:id/suspend')
  @HttpCode(200)
  suspend(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ) {
    return this.cases.suspend(id, p.userId, dto.reason);
  }

  @Post('alert-cases/:id/restore')
  @HttpCode(200)
  restore(
    @CurrentPrincipal() p: UserPrincipal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: ReasonDto,
  ) {
    return this.cases.restore(id, p.userId, dto.reason);
  }

  @Get('risk-scores')
  riskScores(@Query() q: RiskScoresQuery) {
    return this.scores.latest(q.organizationId, q.limit);
  }

  @Post('provenance')
  @HttpCode(200)
  trace(@Body() dto: ProvenanceDto) {
    return this.provenance.search(dto.text, { limit: dto.limit, minSimilarity: dto.minSimilarity });
  }

  @Post('detection/runs')
  @HttpCode(202)
  run(@CurrentPrincipal() p: UserPrincipal, @Body() dto: DetectionRunDto) {
    return this.scheduler.requestRun(dto.asOf ?? null, p.userId);
  }

  @Get('detection/runs/:jobId')
  async runStatus(@Param('jobId') jobId: string) {
    const status = await this.scheduler.status(jobId);
    if (!status) throw new NotFoundError('Detection run');
    return status;
  }
}
