import type { EntityManager } from 'typeorm';

export interface TierRank {
  name: string;
  rank: number;
  gated: boolean;
}

/**
 * Every tier with its rank and whether it is gated: the catalog's read port for other libs (the
 * entitlement evaluation reads it in its own transaction, hence the EntityManager).
 */
export function tierRanks(em: EntityManager): Promise<TierRank[]> {
  return em.query(`SELECT name, rank, gated FROM model_tiers ORDER BY rank`);
}
