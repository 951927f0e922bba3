import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM 2.0 provisioning. Bearer tokens an org admin makes (hashed), the SCIM attributes
 * the users table has no column for, and groups with their members (their names map to roles through
 * the organisation's SSO group mapping).
 */
export class Scim1764050700001 implements MigrationInterface {
  name = 'Scim1764050700001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scim_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX scim_tokens_org_idx ON scim_tokens (organization_id)`);
    await q.query(`
      CREATE TABLE scim_users (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        external_id text,
        given_name text,
        family_name text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scim_users_org_idx ON scim_users (organization_id)`);
    await q.query(`
      CREATE TABLE scim_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        display_name text NOT NULL,
        external_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scim_groups_name_unique UNIQUE (organization_id, display_name)
      )`);
    await q.query(`
      CREATE TABLE scim_group_members (
        group_id uuid NOT NULL REFERENCES scim_groups(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        PRIMARY KEY (group_id, user_id)
      )`);
    await q.query(`CREATE INDEX scim_group_members_user_idx ON scim_group_members (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scim_group_members`);
    await q.query(`DROP TABLE scim_groups`);
    await q.query(`DROP TABLE scim_users`);
    await q.query(`DROP TABLE scim_tokens`);
  }
}
