import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM groups mapped to teams: an org admin maps a SCIM group to one of the organisation's
 * teams; the group's members belong to that team (a team may have several groups). The key includes
 * organization_id, so a group can only point at a team of its own organisation, whatever the caller
 * passes; deleting the team clears the mapping and keeps the group.
 */
export class ScimGroupTeams1764070000001 implements MigrationInterface {
  name = 'ScimGroupTeams1764070000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE teams ADD CONSTRAINT teams_id_org_unique UNIQUE (id, organization_id)`,
    );
    await q.query(`ALTER TABLE scim_groups ADD COLUMN team_id uuid`);
    await q.query(`
      ALTER TABLE scim_groups ADD CONSTRAINT scim_groups_team_fkey FOREIGN KEY (team_id, organization_id)
        REFERENCES teams (id, organization_id) ON DELETE SET NULL (team_id)`);
    await q.query(
      `CREATE INDEX scim_groups_team_idx ON scim_groups (team_id) WHERE team_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scim_groups DROP COLUMN team_id`);
    await q.query(`ALTER TABLE teams DROP CONSTRAINT teams_id_org_unique`);
  }
}
