import { compileFilter } from 'scim-query-filter-parser';
import { ScimError } from './scim.error';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ScimUserResource {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name: { givenName?: string; familyName?: string; formatted?: string };
  displayName: string;
  emails: { value: string; primary: boolean; type: string }[];
  active: boolean;
  groups: { value: string; display: string }[];
  meta: { resourceType: 'User'; created: string; location: string };
}

export interface ScimGroupResource {
  schemas: string[];
  id: string;
  externalId?: string;
  displayName: string;
  members: { value: string; display?: string }[];
  meta: { resourceType: 'Group'; created: string; lastModified: string; location: string };
}

/** Entra sends booleans as "True"/"False" strings in PATCH values. */
export function scimBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value))
    return value.toLowerCase() === 'true';
  return undefined;
}

/** The `filter` (RFC 7644 §3.4.2.2) as a predicate, through scim-query-filter-parser. */
export function filterOf(filter: string | undefined): (resource: object) => boolean {
  if (!filter) return () => true;
  try {
    return compileFilter(filter);
  } catch {
    throw new ScimError(
      400,
      `Unsupported or malformed filter: ${filter.slice(0, 200)}`,
      'invalidFilter',
    );
  }
}

/** One page of a list, 1-based startIndex as SCIM has it. */
export function listResponse<T>(all: T[], startIndex = 1, count = 100) {
  const start = Math.max(1, Math.floor(startIndex) || 1);
  const size = Math.min(Math.max(0, Math.floor(count) || 0), 200);
  const page = all.slice(start - 1, start - 1 + size);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: all.length,
    startIndex: start,
    itemsPerPage: page.length,
    Resources: page,
  };
}
