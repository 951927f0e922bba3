import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEYS_RELATION } from '@velvet/api-keys';
import { MODEL_TIERS_RELATION, MODELS_RELATION } from '@velvet/catalog';
import type { DataSource } from 'typeorm';
import type { SpendBreakdownRow } from '../spend-breakdown.view';

export interface DailySpend {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Billed calls that day, micro-units, all tiers. */
  costMicros: string;
  /** The part on gated (premium) tiers. */
  premiumCostMicros: string;
}

const sinceDay = (days: number, now: Date): string =>
  new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);

/** An organisation's spend over its last `days` UTC days, exact, from the daily usage rollup. */
@Injectable()
export class SpendQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async daily(organizationId: string, days: number, now = new Date()): Promise<DailySpend[]> {
    return this.db.query(
      `SELECT u.day::text AS "day",
              SUM(u.cost_micros)::text AS "costMicros",
              COALESCE(SUM(u.cost_micros) FILTER (WHERE t.gated), 0)::text AS "premiumCostMicros"
         FROM usage_daily_models u LEFT JOIN ${MODEL_TIERS_RELATION} t ON t.name = u.tier
        WHERE u.organization_id = $1 AND u.day >= $2::date
        GROUP BY 1 HAVING SUM(u.requests - u.failed) > 0 ORDER BY 1`,
      [organizationId, sinceDay(days, now)],
    );
  }

  /** Spend per model and API key over the same window as `daily`, largest first (the spend page's breakdown). */
  async breakdown(
    organizationId: string,
    days: number,
    now = new Date(),
  ): Promise<SpendBreakdownRow[]> {
    return this.db.query(
      `SELECT m.slug AS "modelSlug", u.tier AS "tier", u.api_key_id AS "apiKeyId", k.name AS "apiKeyName",
              SUM(u.requests - u.failed)::int AS "calls",
              SUM(u.input_tokens)::text AS "inputTokens", SUM(u.output_tokens)::text AS "outputTokens",
              SUM(u.cost_micros)::text AS "costMicros"
         FROM usage_daily u
         LEFT JOIN ${MODELS_RELATION} m ON m.id = u.model_id
         LEFT JOIN ${API_KEYS_RELATION} k ON k.id = u.api_key_id
        WHERE u.organization_id = $1 AND u.day >= $2::date
        GROUP BY 1, 2, 3, 4 HAVING SUM(u.requests - u.failed) > 0 ORDER BY SUM(u.cost_micros) DESC, 1, 4`,
      [organizationId, sinceDay(days, now)],
    );
  }
}
