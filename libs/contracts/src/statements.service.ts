import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AppAbility } from '@velvet/access';
import type { Micros } from '@velvet/common';
import { formatMicrosExact } from '@velvet/entitlements';
import { dailyBilledSpend } from '@velvet/metering';
import type { DataSource } from 'typeorm';
import { commitmentPeriods, periodMinimum, shortfall } from './commitment-periods';
import { Contract, ContractStatus } from './entities/contract.entity';
import { ContractsService } from './contracts.service';
import { allocateSpend, type AllocationPeriod, type DailySpend } from './spend-allocation';

export interface PeriodStatement {
  index: number;
  start: string;
  end: string;
  /** `closed` after its end; `open` while running (the shortfall is then what is owed so far). */
  state: 'closed' | 'open';
  minimumMicros: Micros;
  /** Spend counted against this period: each micro of spend counts against one commitment only. */
  spentMicros: Micros;
  shortfallMicros: Micros;
  currency: string;
  summary: string;
}

/** How spend and prices become the figures on a statement; shown with every statement. */
export const STATEMENT_NOTES = [
  'Each call costs its input and its output tokens at the catalog price per million tokens, each rounded up to a whole micro-unit (0.000001); a statement sums those exact micro-unit costs and never rounds them again.',
  "Spend counts against one commitment only. When contracts overlap, each day's spend goes first to the commitment period that ends earliest (then the one that started earlier, then the older contract) until it reaches its minimum, then to the next; spend beyond every minimum stays with the earliest-ending one.",
  'Amounts are shown to the cent only when exact; otherwise to the micro-unit, so a shortfall is never shown as zero.',
];

const STATEMENT_STATUSES = [
  ContractStatus.Active,
  ContractStatus.Expired,
  ContractStatus.Terminated,
];

const periodKey = (contractId: string, index: number) => `${contractId}:${index}`;

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
    const visible = items.filter((x) => STATEMENT_STATUSES.includes(x.status));
    const all = visible.length ? await this.organizationStatements(organizationId, now) : new Map();
    return visible.map((c) => ({
      contractId: c.id,
      tier: c.tier,
      status: c.status,
      currency: c.currency,
      periods: all.get(c.id) ?? [],
      notes: STATEMENT_NOTES,
    }));
  }

  async forContract(
    ability: AppAbility,
    contractId: string,
    now = new Date(),
  ): Promise<PeriodStatement[]> {
    const contract = await this.contracts.findVisible(this.dataSource.manager, ability, contractId);
    if (!STATEMENT_STATUSES.includes(contract.status)) return [];
    // spend is shared out across the organisation's contracts, so a statement needs all of them
    return (await this.organizationStatements(contract.organizationId, now)).get(contract.id) ?? [];
  }

  /** Statements of every contract of the organisation, from one allocation of its spend. */
  private async organizationStatements(
    organizationId: string,
    now: Date,
  ): Promise<Map<string, PeriodStatement[]>> {
    const contracts = await this.dataSource
      .getRepository(Contract)
      .find({ where: STATEMENT_STATUSES.map((status) => ({ organizationId, status })) });
    const today = now.toISOString().slice(0, 10);
    const periods: (AllocationPeriod & { index: number; contract: Contract })[] = [];
    for (const contract of contracts) {
      const termEnd = await this.effectiveTermEnd(contract);
      for (const p of commitmentPeriods(contract.termStart, termEnd, contract.periodMonths)) {
        if (p.start > today) continue;
        periods.push({
          key: periodKey(contract.id, p.index),
          contractId: contract.id,
          currency: contract.currency,
          start: p.start,
          end: p.end,
          minimumMicros: periodMinimum(contract.minSpendMicros, p),
          createdAt: contract.createdAt.getTime(),
          index: p.index,
          contract,
        });
      }
    }
    const { allocated } = allocateSpend(periods, await this.dailySpend(organizationId, periods));
    const result = new Map<string, PeriodStatement[]>();
    for (const p of periods) {
      const spentMicros = allocated.get(p.key) ?? 0n;
      const owed = shortfall(p.minimumMicros, spentMicros);
      const list = result.get(p.contractId) ?? [];
      list.push({
        index: p.index,
        start: p.start,
        end: p.end,
        state: p.end <= today ? 'closed' : 'open',
        minimumMicros: p.minimumMicros,
        spentMicros,
        shortfallMicros: owed,
        currency: p.currency,
        summary: `spent ${formatMicrosExact(spentMicros, p.currency)} of ${formatMicrosExact(p.minimumMicros, p.currency)} minimum; shortfall ${formatMicrosExact(owed, p.currency)}`,
      });
      result.set(p.contractId, list);
    }
    return result;
  }

  /** A terminated contract's last period ends on its termination day. */
  private async effectiveTermEnd(contract: Contract): Promise<string> {
    if (contract.status !== ContractStatus.Terminated) return contract.termEnd;
    const [t] = await this.dataSource.query(
      `SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day FROM contract_transitions
        WHERE contract_id = $1 AND to_status = 'terminated' ORDER BY id DESC LIMIT 1`,
      [contract.id],
    );
    return t && t.day < contract.termEnd ? t.day : contract.termEnd;
  }

  /** Billed spend per UTC day and currency over the span the periods cover. */
  private async dailySpend(
    organizationId: string,
    periods: AllocationPeriod[],
  ): Promise<DailySpend[]> {
    if (periods.length === 0) return [];
    const from = periods.reduce((a, p) => (p.start < a ? p.start : a), periods[0].start);
    const to = periods.reduce((a, p) => (p.end > a ? p.end : a), periods[0].end);
    return dailyBilledSpend(this.dataSource.manager, organizationId, from, to);
  }
}
