import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { STATEMENT_NOTES, StatementsService } from '@velvet/contracts';
import { NotFoundError, ParseIdPipe } from '@velvet/common';
import { subject } from '@casl/ability';
import { StatementUsageService } from './statement-usage.service';
import {
  ContractStatementsView,
  OrganizationStatementsView,
  PeriodDetailView,
} from './statements.views';

@ApiTags('statements')
@Controller()
export class StatementsController {
  constructor(
    private readonly statements: StatementsService,
    private readonly usage: StatementUsageService,
  ) {}

  /** Per commitment period: spend against the minimum and the shortfall owed, in micro-units. */
  @RequireAbility(Action.Read, 'Statement')
  @Get('contracts/:contractId/statements')
  @ApiOkResponse({ type: ContractStatementsView })
  async forContract(
    @CurrentAbility() ability: AppAbility,
    @Param('contractId', ParseIdPipe) id: string,
  ): Promise<ContractStatementsView> {
    const periods = await this.statements.forContract(ability, id);
    return { contractId: id, periods, notes: STATEMENT_NOTES };
  }

  /** One period's statement with the billed usage behind it, per model and key (closed periods included). */
  @RequireAbility(Action.Read, 'Statement')
  @Get('contracts/:contractId/statements/:index')
  @ApiOkResponse({ type: PeriodDetailView })
  period(
    @CurrentAbility() ability: AppAbility,
    @Param('contractId', ParseIdPipe) id: string,
    @Param('index', new ParseIntPipe()) index: number,
  ): Promise<PeriodDetailView> {
    return this.usage.period(ability, id, index);
  }

  /** An account's commitments at a glance: every contract with statements, each period's spend and shortfall. */
  @RequireAbility(Action.Read, 'Statement')
  @Get('organizations/:orgId/statements')
  @ApiOkResponse({ type: [OrganizationStatementsView] })
  async forOrganization(
    @CurrentAbility() ability: AppAbility,
    @Param('orgId', ParseIdPipe) orgId: string,
  ): Promise<OrganizationStatementsView[]> {
    if (
      !ability.can(
        Action.Read,
        subject('Statement', { organizationId: orgId } as Record<string, unknown>),
      )
    ) {
      throw new NotFoundError('Organization');
    }
    return this.statements.forOrganization(ability, orgId);
  }
}
