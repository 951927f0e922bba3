import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  applyDelta,
  COLUMNS,
  DAY,
  HOUR,
  positions,
  type Rollup,
  ROLLUPS,
} from './1764060400000-usage-rollups';

const MONTH = `date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date`;

/**
 * Coarser rollups, so that a dashboard view reads rows in proportion to what it shows rather than to
 * keys x models x buckets (a quarter of an organisation with 50 keys x 8 models is 36,400 rows of
 * usage_daily):
 * - usage_daily_keys: per key and day, without the model (per-key and per-team charts: 4,500 rows);
 * - usage_hourly_models: per model and hour, without the key (the hourly chart: 1,344 rows a week
 *   instead of 67,200);
 * - usage_monthly: per model x key and calendar month (the model x key breakdown reads whole months
 *   here and only the days at the range's edges from usage_daily).
 * Each is built from an existing rollup (`from`, grouped without a dimension).
 */
const NEW_ROLLUPS: (Rollup & { from: string; fromBucket: string })[] = [
  {
    table: 'usage_daily_keys',
    bucket: 'day',
    of: DAY,
    dims: 'api_key_id, currency',
    from: 'usage_daily',
    fromBucket: 'day',
  },
  {
    table: 'usage_hourly_models',
    bucket: 'hour',
    of: HOUR,
    dims: 'model_id, currency',
    from: 'usage_hourly',
    fromBucket: 'hour',
  },
  {
    table: 'usage_monthly',
    bucket: 'month',
    of: MONTH,
    dims: 'model_id, api_key_id, currency',
    from: 'usage_daily',
    fromBucket: `date_trunc('month', day)::date`,
  },
];

/** The trigger function over `rollups`, every writer applying them in the same order (no deadlock). */
const rollupFunction = (rollups: Rollup[]) => `
  CREATE OR REPLACE FUNCTION usage_rollups_apply() RETURNS trigger
  LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      ${rollups.map((r) => `DELETE FROM ${r.table};`).join('\n      ')}
      RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN ${applyDelta('old_rows', '-', rollups)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN ${applyDelta('new_rows', '', rollups)}
    END IF;
    RETURN NULL;
  END $$`;

const columnType = (dim: string) => (dim.endsWith('_id') ? 'uuid' : 'text');

/**
 * The backfill reads the existing rollups (400 k daily and 3.8 M hourly rows at 10 M usage rows),
 * not usage_records, under a SHARE lock on usage_records: writers wait for it (the gateway's usage
 * stream in Redis holds their records meanwhile; calls are not slowed), and no usage row can be
 * counted twice or missed between the trigger's new body and the backfill.
 */
export class UsageRollupsByKey1764070000000 implements MigrationInterface {
  name = 'UsageRollupsByKey1764070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE usage_records IN SHARE MODE`);
    for (const r of NEW_ROLLUPS) {
      const dims = r.dims.split(', ');
      await q.query(`
        CREATE TABLE ${r.table} (
          organization_id uuid NOT NULL,
          ${r.bucket} ${r.bucket === 'hour' ? 'timestamptz' : 'date'} NOT NULL,
          ${dims.map((d) => `${d} ${columnType(d)} NOT NULL,`).join('\n          ')}
          ${COLUMNS.split(', ')
            .map((c) => `${c} bigint NOT NULL`)
            .join(', ')},
          PRIMARY KEY (organization_id, ${r.bucket}, ${r.dims})
        )`);
      await q.query(`
        INSERT INTO ${r.table} (organization_id, ${r.bucket}, ${r.dims}, ${COLUMNS})
        SELECT organization_id, ${r.fromBucket}, ${r.dims},
               ${COLUMNS.split(', ')
                 .map((c) => `sum(${c})`)
                 .join(', ')}
          FROM ${r.from} GROUP BY ${positions(r.dims)}`);
    }
    await q.query(rollupFunction([...ROLLUPS, ...NEW_ROLLUPS]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(rollupFunction(ROLLUPS));
    await q.query(`DROP TABLE ${NEW_ROLLUPS.map((r) => r.table).join(', ')}`);
  }
}
