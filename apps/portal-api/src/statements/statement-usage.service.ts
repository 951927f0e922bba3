import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AppAbility } from '@velvet/access';
import { NotFoundError } from '@velvet/common';
import { ContractsService, StatementsService } from '@velvet/contracts';
import { UsageAnalyticsService } from '@velvet/metering';
import type { DataSource } from 'typeorm';

/**
 * One commitment period's statement with what it is made of: the organisation's billed usage in the
 * period, per model and key, from the daily rollup. With overlapping contracts part of that usage
 * counts against another commitment; the period's `spentMicros` says how much counts against this one.
 */
@Injectable()
export class StatementUsageService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contracts: ContractsService,
    private readonly statements: StatementsService,
    private readonly usage: UsageAnalyticsService,
  ) {}

  async period(ability: AppAbility, contractId: string, index: number) {
    const contract = await this.contracts.findVisible(this.db.manager, ability, contractId);
    const period = (await this.statements.forContract(ability, contractId)).find(
      (p) => p.index === index,
    );
    if (!period) throw new NotFoundError('Statement period');
    const last = new Date(Date.parse(`${period.end}T00:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const lines = await this.usage.breakdown({
      organizationId: contract.organizationId,
      from: period.start,
      to: last,
      granularity: 'day',
      groupBy: 'none',
    });
    return {
      contractId,
      organizationId: contract.organizationId,
      tier: contract.tier,
      period,
      usage: lines.filter((l) => l.currency === period.currency && l.requests > 0),
    };
  }
}
