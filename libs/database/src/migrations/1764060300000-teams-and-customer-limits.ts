import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams inside an organisation, API keys that belong to a team, per-key model allow-lists and
 * secret rotation, and the limits an org admin sets (kept apart from `rate_limits`, which belongs
 * to provider staff and the security team's throttles: neither may overwrite the other).
 */
export class TeamsAndCustomerLimits1764060300000 implements MigrationInterface {
  name = 'TeamsAndCustomerLimits1764060300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT teams_name_unique UNIQUE (organization_id, name)
      )`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN team_id uuid REFERENCES teams(id)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN allowed_model_ids uuid[]`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN previous_lookup_id text UNIQUE`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN previous_secret_hash text`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN previous_valid_until timestamptz`);
    await q.query(`CREATE INDEX api_keys_team_idx ON api_keys (team_id)`);
    await q.query(`
      CREATE TABLE customer_limits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
        api_key_id uuid REFERENCES api_keys(id) ON DELETE CASCADE,
        requests_per_minute integer CHECK (requests_per_minute >= 0),
        tokens_per_minute integer CHECK (tokens_per_minute >= 0),
        spend_cap_micros bigint CHECK (spend_cap_micros >= 0),
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT customer_limits_one_scope CHECK (team_id IS NULL OR api_key_id IS NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX customer_limits_org_unique ON customer_limits (organization_id) WHERE team_id IS NULL AND api_key_id IS NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX customer_limits_team_unique ON customer_limits (team_id) WHERE team_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX customer_limits_key_unique ON customer_limits (api_key_id) WHERE api_key_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE customer_limits`);
    await q.query(`DROP INDEX api_keys_team_idx`);
    for (const c of [
      'previous_valid_until',
      'previous_secret_hash',
      'previous_lookup_id',
      'allowed_model_ids',
      'team_id',
    ])
      await q.query(`ALTER TABLE api_keys DROP COLUMN ${c}`);
    await q.query(`DROP TABLE teams`);
  }
}
