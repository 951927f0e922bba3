import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BILLED_USAGE_STATUSES, type SpendBreakdownRow } from '@velvet/metering';

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

  /** Spend per model and API key over the same window as `daily`, largest first (the spend page's breakdown). */
  async breakdown(
    organizationId: string,
    days: number,
    now = new Date(),
  ): Promise<SpendBreakdownRow[]> {
    const since = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    return this.db.query(
      `SELECT m.slug AS "modelSlug", u.tier AS "tier", u.api_key_id AS "apiKeyId", k.name AS "apiKeyName",
              count(*)::int AS "calls",
              SUM(u.input_tokens)::text AS "inputTokens", SUM(u.output_tokens)::text AS "outputTokens",
              SUM(u.cost_micros)::text AS "costMicros"
         FROM usage_records u
         LEFT JOIN models m ON m.id = u.model_id
         LEFT JOIN api_keys k ON k.id = u.api_key_id
        WHERE u.organization_id = $1 AND u.status = ANY($3)
          AND u.occurred_at >= ($2::date::timestamp AT TIME ZONE 'UTC')
        GROUP BY 1, 2, 3, 4 ORDER BY SUM(u.cost_micros) DESC, 1, 4`,
      [organizationId, since, BILLED_USAGE_STATUSES],
    );
  }
}
