import type { DataSource } from 'typeorm';

/**
 * Rollup keys whose sums differ from usage_records (hourly and daily); empty when the rollups are
 * exact. Zero rows left by deletes count as absent.
 */
export async function rollupDrift(db: DataSource): Promise<unknown[]> {
  const drift: unknown[] = [];
  for (const [table, bucket, of] of [
    ['usage_hourly', 'hour', `date_trunc('hour', occurred_at, 'UTC')`],
    ['usage_daily', 'day', `(occurred_at AT TIME ZONE 'UTC')::date`],
  ]) {
    const rows = await db.query(`
      WITH raw AS (
        SELECT organization_id, ${of} AS b, model_id, api_key_id, tier, currency, status,
               count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micros) AS cost_micros
          FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6, 7),
      roll AS (
        SELECT organization_id, ${bucket} AS b, model_id, api_key_id, tier, currency, status, requests, input_tokens, output_tokens, cost_micros
          FROM ${table} WHERE requests <> 0 OR cost_micros <> 0 OR input_tokens <> 0 OR output_tokens <> 0)
      SELECT '${table}' AS rollup, raw.*, roll.* FROM raw FULL JOIN roll USING (organization_id, b, model_id, api_key_id, tier, currency, status)
       WHERE raw.requests IS DISTINCT FROM roll.requests OR raw.cost_micros IS DISTINCT FROM roll.cost_micros
          OR raw.input_tokens IS DISTINCT FROM roll.input_tokens OR raw.output_tokens IS DISTINCT FROM roll.output_tokens`);
    drift.push(...rows);
  }
  return drift;
}
