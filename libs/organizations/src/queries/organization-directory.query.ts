import type { EntityManager } from 'typeorm';

/**
 * The organisations as a relation `(id, name, status)`, for a reader that must join them in one
 * statement (the entitlement cache's one-round-trip load). A plain subquery: the planner flattens
 * it, so the plan is the one a direct join would get, and the table can change behind it.
 */
export const ORGANIZATIONS_RELATION = `(SELECT id, name, status FROM organizations)`;

/** Every organisation's id, in id order (sweeps that visit each one). */
export async function organizationIds(em: EntityManager): Promise<string[]> {
  const rows: { id: string }[] = await em.query(`SELECT id FROM organizations ORDER BY id`);
  return rows.map((r) => r.id);
}

/** Every organisation's id and name, by name (listings of who a change affects). */
export function organizationDirectory(em: EntityManager): Promise<{ id: string; name: string }[]> {
  return em.query(`SELECT id, name FROM organizations ORDER BY name, id`);
}

/** The names of the given organisations (absent ids are left out). */
export async function organizationNames(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows: { id: string; name: string }[] = await em.query(
    `SELECT id, name FROM organizations WHERE id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Locks the organisation's row until the caller's transaction ends (changes to its standing by
 * other libs serialise on it); false when it does not exist.
 */
export async function lockOrganization(em: EntityManager, id: string): Promise<boolean> {
  const rows = await em.query(`SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, [id]);
  return rows.length > 0;
}

/** The users as a relation `(id, organization_id, email, role, status)`, for one-statement joins. */
export const USERS_RELATION = `(SELECT id, organization_id, email, role, status FROM users)`;

/** The e-mail addresses of the organisation's active admins, in order (who hears of its alerts). */
export async function activeAdminEmails(
  em: EntityManager,
  organizationId: string,
): Promise<string[]> {
  const rows: { email: string }[] = await em.query(
    `SELECT email FROM users WHERE organization_id = $1 AND role = 'org_admin' AND status = 'active' ORDER BY email`,
    [organizationId],
  );
  return rows.map((r) => r.email);
}

/** The organisation with this slug (its id and status), or null. */
export async function organizationBySlug(
  em: EntityManager,
  slug: string,
): Promise<{ id: string; status: string } | null> {
  const [row] = await em.query(`SELECT id, status FROM organizations WHERE slug = $1`, [slug]);
  return row ?? null;
}
