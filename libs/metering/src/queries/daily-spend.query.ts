import type { EntityManager } from 'typeorm';
import { BILLED_USAGE_STATUSES } from '../entities/usage-record.entity';

export interface DailyBilledSpend {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  currency: string;
  micros: bigint;
}

/** The organisation's billed spend per UTC day and currency, days in [fromDay, toDay). */
export async function dailyBilledSpend(
  em: EntityManager,
  organizationId: string,
  fromDay: string,
  toDay: string,
): Promise<DailyBilledSpend[]> {
  const rows: { day: string; currency: string; micros: string }[] = await em.query(
    `SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day, currency, SUM(cost_micros)::text AS micros
       FROM usage_records
      WHERE organization_id = $1 AND status = ANY($4)
        AND occurred_at >= ($2::date::timestamp AT TIME ZONE 'UTC') AND occurred_at < ($3::date::timestamp AT TIME ZONE 'UTC')
      GROUP BY 1, 2`,
    [organizationId, fromDay, toDay, BILLED_USAGE_STATUSES],
  );
  return rows.map((r) => ({ day: r.day, currency: r.currency, micros: BigInt(r.micros) }));
}
