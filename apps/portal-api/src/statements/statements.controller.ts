import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import { StatementsService } from '@velvet/contracts';

@ApiTags('statements')
@Controller()
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  /** Per commitment period: spend against the minimum and the shortfall owed, in micro-units. */
  @RequireAbility(Action.Read, 'Statement')
  @Get('contracts/:contractId/statements')
  async forContract(
    @CurrentAbility() ability: AppAbility,
    @Param('contractId', ParseUUIDPipe) id: string,
  ) {
    return { contractId: id, periods: await this.statements.forContract(ability, id) };
  }
}
