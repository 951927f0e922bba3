import type { MigrationInterface, QueryRunner } from 'typeorm';

const BY_KEY = 'model_id, api_key_id, tier, currency';
export const HOUR = `date_trunc('hour', occurred_at, 'UTC')`;
export const DAY = `(occurred_at AT TIME ZONE 'UTC')::date`;
/** A rollup of usage_records: its table, bucket column and expression, and key dimensions. */
export interface Rollup {
  table: string;
  bucket: string;
  of: string;
  dims: string;
}
/** usage_daily_models: the same days without the key, for charts that need no key (a few rows per day). */
export const ROLLUPS: Rollup[] = [
  { table: 'usage_hourly', bucket: 'hour', of: HOUR, dims: BY_KEY },
  { table: 'usage_daily', bucket: 'day', of: DAY, dims: BY_KEY },
  { table: 'usage_daily_models', bucket: 'day', of: DAY, dims: 'model_id, tier, currency' },
];
export const positions = (dims: string) =>
  Array.from({ length: dims.split(',').length + 2 }, (_, i) => i + 1).join(', ');

/**
 * A row's contribution: one request, flagged failed (nothing delivered, not billed) or partial
 * (cancelled or interrupted: billed for what was delivered); tokens and cost of billed rows only.
 * Outcomes are columns rather than a key, so a key-day is one row whatever its outcomes.
 */
export const figures = (sign: '' | '-') => `
    ${sign}count(*), ${sign}count(*) FILTER (WHERE status = 'failed'),
    ${sign}count(*) FILTER (WHERE status IN ('cancelled', 'interrupted')),
    ${sign}coalesce(sum(input_tokens) FILTER (WHERE status <> 'failed'), 0),
    ${sign}coalesce(sum(output_tokens) FILTER (WHERE status <> 'failed'), 0),
    ${sign}coalesce(sum(cost_micros) FILTER (WHERE status <> 'failed'), 0)`;
export const COLUMNS = 'requests, failed, partial, input_tokens, output_tokens, cost_micros';

/** One signed delta per rollup key from a transition table, applied in key order (no deadlock between writers). */
export const applyDelta = (rows: string, sign: '' | '-', rollups: Rollup[] = ROLLUPS) =>
  rollups
    .map(
      (r) => `
    INSERT INTO ${r.table} AS h (organization_id, ${r.bucket}, ${r.dims}, ${COLUMNS})
    SELECT organization_id, ${r.of}, ${r.dims}, ${figures(sign)}
      FROM ${rows}
     GROUP BY ${positions(r.dims)}
     ORDER BY ${positions(r.dims)}
    ON CONFLICT (organization_id, ${r.bucket}, ${r.dims}) DO UPDATE SET
      requests = h.requests + excluded.requests,
      failed = h.failed + excluded.failed,
      partial = h.partial + excluded.partial,
      input_tokens = h.input_tokens + excluded.input_tokens,
      output_tokens = h.output_tokens + excluded.output_tokens,
      cost_micros = h.cost_micros + excluded.cost_micros;`,
    )
    .join('');

/**
 * Usage analytics are read from rollups, never from usage_records (10 M+ rows).
 *
 * usage_hourly and usage_daily (the same sums per UTC day, so a quarter's dashboard reads days, not
 * hours) are kept by statement-level triggers on usage_records, in the writer's own transaction:
 * they change exactly when a usage row is committed, whoever writes it (the ingestor, a seed, a
 * backfill), so a redelivered batch that inserts nothing adds nothing, concurrent ingesters each add
 * their own rows (ON CONFLICT DO UPDATE is atomic per key), a late record lands in its own hour, and
 * a deleted or rewritten row is subtracted. Partition upkeep moves rows between partitions directly,
 * which fires no trigger of the parent: the rollups are unchanged, as it should be.
 *
 * usage_refusals_hourly counts calls the gateway refused (no usage row exists for them).
 */
export class UsageRollups1764060400000 implements MigrationInterface {
  name = 'UsageRollups1764060400000';

  async up(q: QueryRunner): Promise<void> {
    for (const r of ROLLUPS)
      await q.query(`
        CREATE TABLE ${r.table} (
          organization_id uuid NOT NULL,
          ${r.bucket} ${r.bucket === 'hour' ? 'timestamptz' : 'date'} NOT NULL,
          model_id uuid NOT NULL,
          ${r.dims.includes('api_key_id') ? 'api_key_id uuid NOT NULL,' : ''}
          tier text NOT NULL,
          currency text NOT NULL,
          requests bigint NOT NULL,
          failed bigint NOT NULL,
          partial bigint NOT NULL,
          input_tokens bigint NOT NULL,
          output_tokens bigint NOT NULL,
          cost_micros bigint NOT NULL,
          PRIMARY KEY (organization_id, ${r.bucket}, ${r.dims})
        )`);
    await q.query(`
      CREATE FUNCTION usage_rollups_apply() RETURNS trigger
      LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          DELETE FROM usage_hourly;
          DELETE FROM usage_daily;
          DELETE FROM usage_daily_models;
          RETURN NULL;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN ${applyDelta('old_rows', '-')}
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN ${applyDelta('new_rows', '')}
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER usage_rollups_insert AFTER INSERT ON usage_records
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await q.query(`CREATE TRIGGER usage_rollups_update AFTER UPDATE ON usage_records
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await q.query(`CREATE TRIGGER usage_rollups_delete AFTER DELETE ON usage_records
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await q.query(`CREATE TRIGGER usage_rollups_truncate AFTER TRUNCATE ON usage_records
      FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    // the history so far, in the same transaction as the triggers: nothing is counted twice or missed
    await q.query(`LOCK TABLE usage_records IN SHARE MODE`);
    for (const r of ROLLUPS)
      await q.query(`
        INSERT INTO ${r.table} (organization_id, ${r.bucket}, ${r.dims}, ${COLUMNS})
        SELECT organization_id, ${r.of}, ${r.dims}, ${figures('')}
          FROM usage_records GROUP BY ${positions(r.dims)}`);
    await q.query(`
      CREATE TABLE usage_refusals_hourly (
        organization_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        -- the nil UUID when the call was refused before its model or key was known
        model_id uuid NOT NULL,
        api_key_id uuid NOT NULL,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 64),
        refusals bigint NOT NULL,
        PRIMARY KEY (organization_id, hour, model_id, api_key_id, reason)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_refusals_hourly`);
    for (const t of ['insert', 'update', 'delete', 'truncate'])
      await q.query(`DROP TRIGGER usage_rollups_${t} ON usage_records`);
    await q.query(`DROP FUNCTION usage_rollups_apply()`);
    await q.query(`DROP TABLE usage_daily_models, usage_daily, usage_hourly`);
  }
}
