import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organisation proves its sign-up address before it may make API keys; mails (verification
 * links, invitations) leave through an outbox. Organisations that exist already count as verified.
 */
export class EmailVerificationAndOutbox1764040300001 implements MigrationInterface {
  name = 'EmailVerificationAndOutbox1764040300001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organizations ADD COLUMN email_verified_at timestamptz`);
    await q.query(`UPDATE organizations SET email_verified_at = created_at`);
    await q.query(`
      CREATE TABLE email_verifications (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX email_verifications_user ON email_verifications (user_id)`);
    // the development/test transport: mails are rows here, never log lines
    await q.query(`
      CREATE TABLE mail_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        to_address text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mail_outbox_to ON mail_outbox (to_address, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mail_outbox`);
    await q.query(`DROP TABLE email_verifications`);
    await q.query(`ALTER TABLE organizations DROP COLUMN email_verified_at`);
  }
}
