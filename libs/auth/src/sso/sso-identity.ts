import { Role } from '@velvet/access';

/** What an identity provider asserted about the person, once its signature and freshness checked out. */
export interface SsoIdentity {
  email: string;
  displayName: string | null;
  groups: string[];
}

const RANK: Record<string, number> = { [Role.OrgAdmin]: 2, [Role.OrgMember]: 1 };

/**
 * The role the IdP's groups give: the strongest mapped role among the person's groups, or null
 * when no group is mapped (then a new user gets the default role and an existing one keeps theirs).
 */
export function roleFromGroups(
  groups: readonly string[],
  groupRoles: Record<string, Role>,
): Role | null {
  let best: Role | null = null;
  for (const group of groups) {
    const role = groupRoles[group];
    if (role && (RANK[role] ?? 0) > (best ? RANK[best] : 0)) best = role;
  }
  return best;
}

/** The domain part of an address, lower-cased, or null if it is not an address. */
export function emailDomain(email: string): string | null {
  const match = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(email.trim());
  return match ? match[1].toLowerCase() : null;
}

/** Group claims arrive as a string, an array, or nothing, depending on the IdP. */
export function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}
