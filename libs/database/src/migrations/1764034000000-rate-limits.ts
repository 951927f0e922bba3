import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Gateway limit overrides per organisation or per key (the defaults live in the gateway's env). */
export class RateLimits1764034000000 implements MigrationInterface {
  name = 'RateLimits1764034000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        api_key_id uuid REFERENCES api_keys(id) ON DELETE CASCADE,
        requests_per_minute integer CHECK (requests_per_minute >= 0),
        tokens_per_minute integer CHECK (tokens_per_minute >= 0),
        spend_cap_micros bigint CHECK (spend_cap_micros >= 0),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        actor_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per organisation and one per key: upserts target these.
    await q.query(
      `CREATE UNIQUE INDEX rate_limits_org_uq ON rate_limits (organization_id) WHERE api_key_id IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX rate_limits_key_uq ON rate_limits (api_key_id) WHERE api_key_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
