import type { EntityManager } from 'typeorm';

/**
 * The keys as a relation `(id, organization_id, team_id, name)`, for a reader that joins them in
 * one statement over many rows (usage reports, spend by team). A plain subquery: the planner
 * flattens it, so the plan is the one a direct join would get, and the table can change behind it.
 */
export const API_KEYS_RELATION = `(SELECT id, organization_id, team_id, name FROM api_keys)`;

/** The names of the given API keys (absent ids are left out): the api-keys lib's read port. */
export async function apiKeyNames(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows: { id: string; name: string }[] = await em.query(
    `SELECT id, name FROM api_keys WHERE id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Whether the key exists and belongs to the organisation (revoked keys included). */
export async function isKeyOfOrganization(
  em: EntityManager,
  apiKeyId: string,
  organizationId: string,
): Promise<boolean> {
  const rows = await em.query(`SELECT 1 FROM api_keys WHERE id = $1 AND organization_id = $2`, [
    apiKeyId,
    organizationId,
  ]);
  return rows.length > 0;
}
