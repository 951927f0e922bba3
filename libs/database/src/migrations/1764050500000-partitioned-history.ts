import type { MigrationInterface, QueryRunner } from 'typeorm';
import { partitionByMonth } from '../partitioning/partition-by-month';
import { PARTITION_FUNCTIONS_SQL } from '../partitioning/partition-functions.sql';

/**
 * The tables that grow with every call, partitioned by month (docs/scaling.md, "Partitioned history"):
 *  - usage_records by occurred_at; its idempotency key becomes (request_id, occurred_at): a usage
 *    entry carries its occurred_at, so a redelivered entry conflicts on both; kept forever (billing).
 *  - audit_text by expires_at: a partition whose every text has expired is dropped (retention 0),
 *    the purge job's DELETE does the rest; the log itself (audit_log) is not partitioned.
 *  - detection_risk_scores by window_end; its idempotency key already includes it; kept forever.
 * Upkeep: velvet_partitions_maintain(), run by the audit worker at start and hourly.
 */
export class PartitionedHistory1764050500000 implements MigrationInterface {
  name = 'PartitionedHistory1764050500000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of PARTITION_FUNCTIONS_SQL) await q.query(sql);
    await partitionByMonth(q, {
      table: 'usage_records',
      column: 'occurred_at',
      primaryKey: ['id', 'occurred_at'],
      uniques: [{ name: 'usage_records_request_id_key', columns: ['request_id', 'occurred_at'] }],
      identity: 'id',
      retention: null,
    });
    await partitionByMonth(q, {
      table: 'audit_text',
      column: 'expires_at',
      primaryKey: ['event_id', 'expires_at'],
      retention: '0 seconds',
    });
    await partitionByMonth(q, {
      table: 'detection_risk_scores',
      column: 'window_end',
      primaryKey: ['id', 'window_end'],
      uniques: [
        {
          name: 'detection_risk_scores_subject_type_subject_id_window_end_key',
          columns: ['subject_type', 'subject_id', 'window_end'],
        },
      ],
      identity: 'id',
      retention: null,
    });
  }

  async down(): Promise<void> {
    // Un-partitioning copies every row back; restore from a backup taken before the migration instead.
    throw new Error('PartitionedHistory1764050500000 is not reversible');
  }
}
