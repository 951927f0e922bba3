import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The browser origins allowed to call the gateway with an organisation's keys (CORS); none by default. */
export class OrganizationCorsOrigins1764050400000 implements MigrationInterface {
  name = 'OrganizationCorsOrigins1764050400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE organizations ADD COLUMN cors_allowed_origins text[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations DROP COLUMN cors_allowed_origins`);
  }
}
