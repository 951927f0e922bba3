import type { EntityManager } from 'typeorm';

/**
 * The catalog as relations, for a reader that must join it in one statement (the entitlement
 * cache's one-round-trip load, usage reports' labels over rollups): the columns other libs may
 * rely on. Plain subqueries: the planner flattens them, so the plan is the one a direct join
 * would get, and the tables can change behind them.
 */
export const MODELS_RELATION = `(SELECT id, slug, display_name, tier, status FROM models)`;
export const MODEL_TIERS_RELATION = `(SELECT name, rank, gated FROM model_tiers)`;

/**
 * Whether the tier is gated; null when there is no such tier. `forShare` keeps the tier from
 * changing or going until the caller's transaction ends.
 */
export async function tierGated(
  em: EntityManager,
  tier: string,
  { forShare = false } = {},
): Promise<boolean | null> {
  const [row] = await em.query(
    `SELECT gated FROM model_tiers WHERE name = $1${forShare ? ' FOR SHARE' : ''}`,
    [tier],
  );
  return row ? Boolean(row.gated) : null;
}

/** How many of the given model ids exist. */
export async function existingModelCount(
  em: EntityManager,
  ids: readonly string[],
): Promise<number> {
  const [row] = await em.query(`SELECT count(*)::int AS n FROM models WHERE id = ANY($1::uuid[])`, [
    ids,
  ]);
  return row.n;
}
