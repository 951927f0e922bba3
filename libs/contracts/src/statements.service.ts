import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AppAbility } from '@velvet/access';
import { formatMicros, type Micros } from '@velvet/common';
import type { DataSource } from 'typeorm';
import { commitmentPeriods, periodMinimum, shortfall } from './commitment-periods';
import { ContractStatus } from './entities/contract.entity';
import { ContractsService } from './contracts.service';
import { BILLED_USAGE_STATUSES } from '@velvet/metering';

export interface PeriodStatement {
  index: number;
  start: string;
  end: string;
  /** `closed` after its end; `open` while running (the shortfall is then what is owed so far). */
  state: 'closed' | 'open';
  minimumMicros: Micros;
  spentMicros: Micros;
  shortfallMicros: Micros;
  currency: string;
  summary: string;
}

const STATEMENT_STATUSES = [
  ContractStatus.Active,
  ContractStatus.Expired,
  ContractStatus.Terminated,
];

/** Spend against the minimum, per commitment period, exact to the micro-unit. */
@Injectable()
export class StatementsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
  ) {}

  /** Every contract of the organisation that has statements (active, expired, terminated), newest first. */
  async forOrganization(ability: AppAbility, organizationId: string, now = new Date()) {
    const { items } = await this.contracts.list(ability, { organizationId }, 200, 0);
    const result = [];
    for (const c of items.filter((x) => STATEMENT_STATUSES.includes(x.status))) {
      const periods = await this.forContract(ability, c.id, now);
      result.push({
        contractId: c.id,
        tier: c.tier,
        status: c.status,
        currency: c.currency,
        periods,
      });
    }
    return result;
  }

  async forContract(
    ability: AppAbility,
    contractId: string,
    now = new Date(),
  ): Promise<PeriodStatement[]> {
    const contract = await this.contracts.findVisible(this.dataSource.manager, ability, contractId);
    if (!STATEMENT_STATUSES.includes(contract.status)) return [];
    // a terminated contract's last period ends on its termination day
    let termEnd = contract.termEnd;
    if (contract.status === ContractStatus.Terminated) {
      const [t] = await this.dataSource.query(
        `SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day FROM contract_transitions
          WHERE contract_id = $1 AND to_status = 'terminated' ORDER BY id DESC LIMIT 1`,
        [contract.id],
      );
      if (t && t.day < termEnd) termEnd = t.day;
    }
    const today = now.toISOString().slice(0, 10);
    const periods = commitmentPeriods(contract.termStart, termEnd, contract.periodMonths).filter(
      (p) => p.start <= today,
    );
    const statements: PeriodStatement[] = [];
    for (const period of periods) {
      const [{ spent }] = await this.dataSource.query(
        `SELECT COALESCE(SUM(cost_micros), 0)::text AS spent FROM usage_records
          WHERE organization_id = $1 AND currency = $2 AND status = ANY($5)
            AND occurred_at >= ($3::date::timestamp AT TIME ZONE 'UTC') AND occurred_at < ($4::date::timestamp AT TIME ZONE 'UTC')`,
        [contract.organizationId, contract.currency, period.start, period.end, BILLED_USAGE_STATUSES],
      );
      const minimumMicros = periodMinimum(contract.minSpendMicros, period);
      const spentMicros = BigInt(spent);
      const owed = shortfall(minimumMicros, spentMicros);
      statements.push({
        index: period.index,
        start: period.start,
        end: period.end,
        state: period.end <= today ? 'closed' : 'open',
        minimumMicros,
        spentMicros,
        shortfallMicros: owed,
        currency: contract.currency,
        summary: `spent ${formatMicros(spentMicros, contract.currency)} of ${formatMicros(minimumMicros, contract.currency)} minimum; shortfall ${formatMicros(owed, contract.currency)}`,
      });
    }
    return statements;
  }
}
