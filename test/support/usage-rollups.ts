import type { DataSource } from 'typeorm';

const HOUR = `date_trunc('hour', occurred_at, 'UTC')`;
const DAY = `(occurred_at AT TIME ZONE 'UTC')::date`;
const MONTH = `date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date`;

/**
 * Rollup keys whose sums differ from usage_records (every rollup the triggers keep); empty when the
 * rollups are exact. Zero rows left by deletes count as absent.
 */
export async function rollupDrift(db: DataSource): Promise<unknown[]> {
  const drift: unknown[] = [];
  for (const [table, bucket, of, dims] of [
    ['usage_hourly', 'hour', HOUR, 'model_id, api_key_id, tier, currency'],
    ['usage_daily', 'day', DAY, 'model_id, api_key_id, tier, currency'],
    ['usage_daily_models', 'day', DAY, 'model_id, tier, currency'],
    ['usage_daily_keys', 'day', DAY, 'api_key_id, currency'],
    ['usage_hourly_models', 'hour', HOUR, 'model_id, currency'],
    ['usage_monthly', 'month', MONTH, 'model_id, api_key_id, currency'],
  ]) {
    const n = dims.split(',').length + 2;
    const rows = await db.query(`
      WITH raw AS (
        SELECT organization_id, ${of} AS b, ${dims},
               count(*) AS requests, count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status IN ('cancelled', 'interrupted')) AS partial,
               coalesce(sum(input_tokens) FILTER (WHERE status <> 'failed'), 0) AS input_tokens,
               coalesce(sum(output_tokens) FILTER (WHERE status <> 'failed'), 0) AS output_tokens,
               coalesce(sum(cost_micros) FILTER (WHERE status <> 'failed'), 0) AS cost_micros
          FROM usage_records GROUP BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}),
      roll AS (
        SELECT organization_id, ${bucket} AS b, ${dims}, requests, failed, partial, input_tokens, output_tokens, cost_micros
          FROM ${table} WHERE requests <> 0 OR cost_micros <> 0 OR input_tokens <> 0 OR output_tokens <> 0)
      SELECT '${table}' AS rollup, raw.*, roll.* FROM raw FULL JOIN roll USING (organization_id, b, ${dims})
       WHERE raw.requests IS DISTINCT FROM roll.requests OR raw.failed IS DISTINCT FROM roll.failed
          OR raw.partial IS DISTINCT FROM roll.partial OR raw.cost_micros IS DISTINCT FROM roll.cost_micros
          OR raw.input_tokens IS DISTINCT FROM roll.input_tokens OR raw.output_tokens IS DISTINCT FROM roll.output_tokens`);
    drift.push(...rows);
  }
  return drift;
}
