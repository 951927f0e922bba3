import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTITION_WIDTH_DOWN_SQL, PARTITION_WIDTH_SQL } from '../partitioning/partition-width.sql';
import { APP_ROLE } from '../roles';

// a partition, not a table of its own (velvet_partition_ensure moves its rows out)
const DEFAULT_PARTITION = 'audit_completion_bands_default';

/**
 * The provenance search's band index bounded by time (docs/audit.md, "Completion band index").
 * audit_log.completion_bands stays (it is in the leaf) but loses its GIN index: with real
 * completions every call adds 32 distinct keys, ~1.3 kB of GIN a call (~13 GB at 10 M calls), and
 * the writer inserted them under the tree lock into that whole-log index. The keys are kept again
 * in audit_completion_bands, written in the log row's transaction, partitioned by day on
 * occurred_at with a GIN per partition: the writer inserts into today's partition's index only.
 * Not part of the tree; kept as long as the log (no retention). Partition upkeep learns a width per
 * table ('day' here; the monthly tables are unchanged).
 */
export class CompletionBandIndex1764082000000 implements MigrationInterface {
  name = 'CompletionBandIndex1764082000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of PARTITION_WIDTH_SQL) await q.query(sql);
    await q.query(`
      CREATE TABLE audit_completion_bands (
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        bands bigint[] NOT NULL
      ) PARTITION BY RANGE (occurred_at)`);
    // The writer only appends, as to the log; every partition takes the parent's grants
    // (velvet_partition_ensure), so this comes before any partition is made.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_completion_bands FROM ${APP_ROLE}`);
    await q.query(`CREATE TABLE ${DEFAULT_PARTITION} PARTITION OF audit_completion_bands DEFAULT`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${DEFAULT_PARTITION} FROM ${APP_ROLE}`);
    await q.query(
      `INSERT INTO history_partitioning (parent, partition_column, partition_width, retention) VALUES ('audit_completion_bands', 'occurred_at', 'day', NULL)`,
    );
    // a partition for every day the log has calls, and the days ahead; then the copy, then the indexes (faster on full tables)
    const days: { d: string }[] = await q.query(
      `SELECT DISTINCT date_trunc('day', occurred_at, 'UTC') AS d FROM audit_log WHERE completion_bands IS NOT NULL`,
    );
    for (const { d } of days)
      await q.query(`SELECT velvet_partition_ensure('audit_completion_bands', $1::timestamptz)`, [
        d,
      ]);
    await q.query(`SELECT velvet_partitions_maintain()`);
    await q.query(
      `INSERT INTO audit_completion_bands (seq, occurred_at, bands)
       SELECT seq, occurred_at, completion_bands FROM audit_log WHERE completion_bands IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE audit_completion_bands ADD CONSTRAINT audit_completion_bands_pkey PRIMARY KEY (seq, occurred_at)`,
    );
    await q.query(
      `CREATE INDEX audit_completion_bands_bands ON audit_completion_bands USING gin (bands)`,
    );
    await q.query(`DROP INDEX audit_log_completion_bands`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX audit_log_completion_bands ON audit_log USING gin (completion_bands)`,
    );
    await q.query(`DROP TABLE audit_completion_bands`);
    await q.query(`DELETE FROM history_partitioning WHERE parent = 'audit_completion_bands'`);
    for (const sql of PARTITION_WIDTH_DOWN_SQL) await q.query(sql);
  }
}
