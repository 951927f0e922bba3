import type { EntityManager } from 'typeorm';

/**
 * What key settings need to know of teams. The teams lib owns them and depends on this lib (a
 * team lists its keys), so this lib declares the port and the teams lib implements it
 * (`TeamPortsModule`, global once `TeamsModule` is imported).
 */
export interface TeamDirectory {
  /** Whether the team exists and belongs to the organisation. */
  isTeamOf(em: EntityManager, teamId: string, organizationId: string): Promise<boolean>;
}

export const TEAM_DIRECTORY = Symbol('TEAM_DIRECTORY');
