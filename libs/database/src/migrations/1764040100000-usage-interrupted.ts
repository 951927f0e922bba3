import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call whose delivery the gateway could not complete after text had left it (the gateway was
 * killed, the upstream failed mid-stream, or the final record was refused) is 'interrupted' and
 * charged for what was delivered; only 'failed' calls (nothing delivered) must cost nothing.
 */
export class UsageInterrupted1764040100000 implements MigrationInterface {
  name = 'UsageInterrupted1764040100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE usage_records
        DROP CONSTRAINT usage_records_status_check,
        ADD CONSTRAINT usage_records_status_check CHECK (status IN ('succeeded', 'failed', 'cancelled', 'interrupted'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE usage_records
        DROP CONSTRAINT usage_records_status_check,
        ADD CONSTRAINT usage_records_status_check CHECK (status IN ('succeeded', 'failed', 'cancelled'))`);
  }
}
