import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/** usage_records' columns as the usage ingest writes them, with their types. */
const COLUMNS: readonly [string, string][] = [
  ['request_id', 'text'],
  ['organization_id', 'uuid'],
  ['api_key_id', 'uuid'],
  ['model_id', 'uuid'],
  ['tier', 'text'],
  ['input_tokens', 'int'],
  ['output_tokens', 'int'],
  ['cost_micros', 'bigint'],
  ['currency', 'text'],
  ['latency_ms', 'int'],
  ['status', 'text'],
  ['streamed', 'boolean'],
  ['occurred_at', 'timestamptz'],
];
const NAMES = COLUMNS.map(([name]) => name).join(', ');
const SIGNATURE = COLUMNS.map(([, type]) => `${type}[]`).join(', ');

/**
 * The function's INSERT, one array per column read with unnest. `array(i, name, type)` names the
 * i-th array: the function's parameter here, a placeholder where a test reads the statement's plan.
 * usage_records is partitioned by occurred_at, so its unique key is (request_id, occurred_at)
 * (docs/scaling.md): one row per request id whatever the times of its entries, the first entry of
 * each id in a batch kept and ids already stored skipped. "Already stored" is a scalar subquery,
 * not NOT EXISTS: PostgreSQL turns NOT EXISTS into an anti join and, while usage_records is small or
 * its statistics stale, hashed the whole table for every batch (a cost that grew with every row
 * ingested); a subquery is one index probe per row and partition whatever the table's size.
 */
export const usageIngestInsert = (array: (i: number, name: string, type: string) => string) => `
  INSERT INTO usage_records (${NAMES})
  SELECT DISTINCT ON (v.request_id) v.*
    FROM unnest(${COLUMNS.map(([name, type], i) => array(i, name, type)).join(', ')}) AS v(${NAMES})
   WHERE (SELECT 1 FROM usage_records u WHERE u.request_id = v.request_id LIMIT 1) IS NULL
   ORDER BY v.request_id, v.occurred_at
  ON CONFLICT (request_id, occurred_at) DO NOTHING`;

/**
 * A usage batch in one statement (docs/performance.md, "Sixteenth session"): the worker's ingest
 * made four round trips per batch (BEGIN, the advisory lock, the insert, COMMIT) through TypeORM's
 * transaction, a fixed cost that dominated at low call rates (up to five batches a second however
 * few rows). velvet_usage_ingest takes the lock that serialises batches (two ingests never both find
 * an id absent) and inserts, in the caller's one-statement transaction: being VOLATILE, its INSERT
 * takes a snapshot after the lock is granted, so it sees every batch committed before it.
 */
export class UsageIngestFunction1764083000000 implements MigrationInterface {
  name = 'UsageIngestFunction1764083000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION velvet_usage_ingest(${COLUMNS.map(([name, type]) => `p_${name} ${type}[]`).join(', ')})
      RETURNS void LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(7140001);
        ${usageIngestInsert((_, name) => `p_${name}`)};
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION velvet_usage_ingest(${SIGNATURE}) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION velvet_usage_ingest(${SIGNATURE}) TO ${APP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION velvet_usage_ingest(${SIGNATURE})`);
  }
}
