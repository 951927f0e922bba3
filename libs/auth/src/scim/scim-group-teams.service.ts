import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Action, assertCan, type AppAbility } from '@velvet/access';
import { DomainErrorKind, DomainException, NotFoundError } from '@velvet/common';
import { USERS_RELATION } from '@velvet/organizations';
import type { DataSource } from 'typeorm';

export interface ScimGroupView {
  id: string;
  displayName: string;
  /** The team the group's members belong to (null: none). */
  teamId: string | null;
  /** The group's active members. */
  members: { userId: string; email: string }[];
}

/**
 * SCIM groups mapped to teams: the org admin chooses, per group the identity provider pushed, the
 * team its members belong to. The mapping is the admin's: the SCIM client cannot set or clear it,
 * and renaming the group in the IdP keeps it. Members are read live from the group, so a user the
 * IdP removes from the group or deactivates leaves the team at once.
 */
@Injectable()
export class ScimGroupTeamsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(ability: AppAbility, organizationId: string): Promise<ScimGroupView[]> {
    this.check(ability, Action.Read, 'ScimToken', organizationId);
    const rows = (await this.db.query(
      `SELECT g.id, g.display_name, g.team_id,
              coalesce(json_agg(json_build_object('userId', u.id, 'email', u.email) ORDER BY u.email)
                       FILTER (WHERE u.id IS NOT NULL), '[]') AS members
         FROM scim_groups g
         LEFT JOIN scim_group_members m ON m.group_id = g.id
         LEFT JOIN ${USERS_RELATION} u ON u.id = m.user_id AND u.status = 'active'
        WHERE g.organization_id = $1
        GROUP BY g.id ORDER BY g.display_name`,
      [organizationId],
    )) as {
      id: string;
      display_name: string;
      team_id: string | null;
      members: ScimGroupView['members'];
    }[];
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      teamId: r.team_id,
      members: r.members,
    }));
  }

  /** Idempotent; `teamId` null removes the mapping. A team of another organisation is not found. */
  async setTeam(
    ability: AppAbility,
    organizationId: string,
    groupId: string,
    teamId: string | null,
  ): Promise<ScimGroupView> {
    this.check(ability, Action.Update, 'Team', organizationId);
    const updated = (await this.db
      .query(
        `UPDATE scim_groups SET team_id = $3 WHERE id = $1 AND organization_id = $2 RETURNING id`,
        [groupId, organizationId, teamId],
      )
      .catch((e: { code?: string }) => {
        // the key (team_id, organization_id) names no team of this organisation
        if (e.code === '23503') throw new NotFoundError('Team');
        throw e;
      })) as [unknown[], number];
    if (updated[1] === 0) throw new NotFoundError('ScimGroup');
    return (await this.list(ability, organizationId)).find((g) => g.id === groupId)!;
  }

  private check(
    ability: AppAbility,
    action: Action,
    subject: 'ScimToken' | 'Team',
    organizationId: string,
  ) {
    try {
      assertCan(ability, action, subject, { organizationId });
    } catch {
      throw new DomainException(DomainErrorKind.NotFound, 'not_found', 'Organisation not found');
    }
  }
}
