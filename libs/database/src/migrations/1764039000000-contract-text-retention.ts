import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How long a contract lets the provider keep the organisation's prompt and completion texts (none when null). */
export class ContractTextRetention1764039000000 implements MigrationInterface {
  name = 'ContractTextRetention1764039000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE contracts ADD COLUMN text_retention_days integer CHECK (text_retention_days BETWEEN 1 AND 3650)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contracts DROP COLUMN text_retention_days`);
  }
}
