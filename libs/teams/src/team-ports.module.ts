import { Global, Injectable, Module } from '@nestjs/common';
import { TEAM_DIRECTORY, type TeamDirectory } from '@velvet/api-keys';
import { TEAMS_RELATION } from '@velvet/metering';
import type { EntityManager } from 'typeorm';

/** The teams lib's side of the api-keys port: is a team this organisation's? */
@Injectable()
export class TeamDirectoryReader implements TeamDirectory {
  async isTeamOf(em: EntityManager, teamId: string, organizationId: string): Promise<boolean> {
    const rows = await em.query(`SELECT 1 FROM teams WHERE id = $1 AND organization_id = $2`, [
      teamId,
      organizationId,
    ]);
    return rows.length > 0;
  }
}

/** The teams as a relation `(id, name)` (a flattened subquery: the plan of a direct join). */
export const TEAMS_RELATION_SQL = `(SELECT id, name FROM teams)`;

/**
 * Provides the ports that libs below teams declare (api-keys' `TEAM_DIRECTORY`, metering's
 * `TEAMS_RELATION`) to every module of the app: they cannot import this lib, which depends on them.
 */
@Global()
@Module({
  providers: [
    { provide: TEAM_DIRECTORY, useClass: TeamDirectoryReader },
    { provide: TEAMS_RELATION, useValue: TEAMS_RELATION_SQL },
  ],
  exports: [TEAM_DIRECTORY, TEAMS_RELATION],
})
export class TeamPortsModule {}
