import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { subject } from '@casl/ability';
import {
  Action,
  CurrentAbility,
  CurrentPrincipal,
  RequireAbility,
  type AppAbility,
  type UserPrincipal,
} from '@velvet/access';
import { NotFoundError, ParseIdPipe } from '@velvet/common';
import { ExplanationService, SuspensionsService } from '@velvet/entitlements';
import { IsString, Length } from 'class-validator';
import { EntitlementExplanationView } from './explanation.views';
import { SuspensionOutcomeView, SuspensionView } from './suspension.view';

export class SuspensionDto {
  @ApiProperty({ description: 'Why (required; kept in the audit log)' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

@ApiTags('entitlements')
@Controller('organizations/:orgId')
export class EntitlementsController {
  constructor(
    private readonly explanations: ExplanationService,
    private readonly suspensions: SuspensionsService,
  ) {}

  /** Every active model: may the organisation call it, and for locked ones which conditions hold, with the numbers. */
  @RequireAbility(Action.Read, 'Entitlement')
  @Get('entitlements')
  @ApiOkResponse({ type: EntitlementExplanationView })
  async explain(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<EntitlementExplanationView> {
    if (
      !ability.can(
        Action.Read,
        subject('Entitlement', { organizationId: orgId } as Record<string, unknown>),
      )
    )
      throw new NotFoundError('Organization');
    return this.explanations.explain(orgId);
  }

  @RequireAbility(Action.Suspend, 'Organization')
  @ApiOkResponse({ type: [SuspensionView] })
  @Get('suspensions')
  list(@Param('orgId', ParseIdPipe) orgId: string): Promise<SuspensionView[]> {
    return this.suspensions.list(orgId);
  }

  @RequireAbility(Action.Suspend, 'Organization')
  @ApiOkResponse({ type: SuspensionOutcomeView })
  @Post('suspension')
  @HttpCode(200)
  async suspend(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: SuspensionDto,
  ): Promise<SuspensionOutcomeView> {
    const { suspension, created } = await this.suspensions.suspend(
      orgId,
      principal.userId,
      dto.reason,
    );
    return { ...suspension, created };
  }

  @RequireAbility(Action.Suspend, 'Organization')
  @ApiOkResponse({ type: SuspensionView })
  @Post('suspension/restore')
  @HttpCode(200)
  restore(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('orgId', ParseIdPipe) orgId: string,
    @Body() dto: SuspensionDto,
  ): Promise<SuspensionView> {
    return this.suspensions.restore(orgId, principal.userId, dto.reason);
  }
}
