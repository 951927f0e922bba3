import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Action, CurrentPrincipal, RequireAbility, type UserPrincipal } from '@velvet/access';
import { ThrottlesService } from '@velvet/detection';
import { LiftThrottleDto } from './detection.dto';
import { ThrottleLiftView, ThrottleView } from './detection.views';

/** An organisation's current throttles, visible and liftable by those who may suspend it. */
@ApiTags('security')
@Controller('organizations/:orgId/throttles')
@RequireAbility(Action.Suspend, 'Organization')
export class ThrottlesController {
  constructor(private readonly throttles: ThrottlesService) {}

  @ApiOkResponse({ type: [ThrottleView] })
  @Get()
  list(@Param('orgId', ParseUUIDPipe) orgId: string): Promise<ThrottleView[]> {
    return this.throttles.list(orgId);
  }

  @ApiOkResponse({ type: ThrottleLiftView })
  @Post('lift')
  @HttpCode(200)
  lift(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: LiftThrottleDto,
  ): Promise<ThrottleLiftView> {
    return this.throttles.lift(orgId, dto.apiKeyId ?? null, principal.userId, dto.reason);
  }
}
