import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A streamed call the client abandons is charged for what it was sent ('cancelled'); only failed
 * calls must cost nothing.
 */
export class UsageCancelled1764038000000 implements MigrationInterface {
  name = 'UsageCancelled1764038000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE usage_records
        DROP CONSTRAINT usage_records_status_check,
        DROP CONSTRAINT usage_records_check,
        ADD CONSTRAINT usage_records_status_check CHECK (status IN ('succeeded', 'failed', 'cancelled')),
        ADD CONSTRAINT usage_records_check CHECK (status <> 'failed' OR cost_micros = 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE usage_records
        DROP CONSTRAINT usage_records_status_check,
        DROP CONSTRAINT usage_records_check,
        ADD CONSTRAINT usage_records_status_check CHECK (status IN ('succeeded', 'failed')),
        ADD CONSTRAINT usage_records_check CHECK (status = 'succeeded' OR cost_micros = 0)`);
  }
}
