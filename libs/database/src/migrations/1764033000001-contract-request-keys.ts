import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A retried contract request (same Idempotency-Key from the same organisation) finds the first one instead of making another. */
export class ContractRequestKeys1764033000001 implements MigrationInterface {
  name = 'ContractRequestKeys1764033000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE contracts ADD COLUMN request_key text CHECK (length(request_key) BETWEEN 1 AND 200)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX contracts_request_key_idx ON contracts (organization_id, request_key) WHERE request_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contracts_request_key_idx`);
    await q.query(`ALTER TABLE contracts DROP COLUMN request_key`);
  }
}
