import type { EntityManager } from 'typeorm';
import { ApiKey } from '../entities/api-key.entity';

/**
 * Takes the team's keys out of it (they keep working under their own and the organisation's
 * limits), in the caller's transaction: the api-keys lib's write port for a team's deletion.
 * Returns the keys moved, whose cached settings the caller invalidates once it commits.
 */
export async function detachKeysFromTeam(em: EntityManager, teamId: string): Promise<string[]> {
  const moved = await em.find(ApiKey, { where: { teamId }, select: ['id'] });
  await em.update(ApiKey, { teamId }, { teamId: null });
  return moved.map((k) => k.id);
}
