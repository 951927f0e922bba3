import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BILLED_USAGE_STATUSES } from '@velvet/metering';

export interface DailySpend {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Succeeded metered calls that day, micro-units, all tiers. */
  costMicros: string;
  /** The part on gated (premium) tiers. */
  premiumCostMicros: string;
}

/** Daily spend of one organisation from the metered usage records, exact (summed as numeric in SQL). */
@Injectable()
export class SpendHistoryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async daily(organizationId: string, days: number, now = new Date()): Promise<DailySpend[]> {
    const since = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    return this.db.query(
      `SELECT (u.occurred_at AT TIME ZONE 'UTC')::date::text AS "day",
              SUM(u.cost_micros)::text AS "costMicros",
              COALESCE(SUM(u.cost_micros) FILTER (WHERE t.gated), 0)::text AS "premiumCostMicros"
         FROM usage_records u LEFT JOIN model_tiers t ON t.name = u.tier
        WHERE u.organization_id = $1 AND u.status = ANY($3)
          AND u.occurred_at >= ($2::date::timestamp AT TIME ZONE 'UTC')
        GROUP BY 1 ORDER BY 1`,
      [organizationId, since, BILLED_USAGE_STATUSES],
    );
  }
}
