import type { ApiKey } from '@velvet/api-keys';
import type { Organization, User } from '@velvet/organizations';
import type { ApiKeyView, OrganizationView, UserView } from './identity.views';

/** What the API shows of a person: never the password hash. */
export const userView = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  organizationId: u.organizationId,
  status: u.status,
  createdAt: u.createdAt,
});

export const organizationView = (o: Organization): OrganizationView => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  status: o.status,
  verified: o.verified,
  emailVerified: o.emailVerifiedAt !== null,
  corsAllowedOrigins: o.corsAllowedOrigins ?? [],
  createdAt: o.createdAt,
});

/** What the API shows of a key after creation: never the secret or its hash. */
export const apiKeyView = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  organizationId: k.organizationId,
  name: k.name,
  prefix: k.displayPrefix,
  createdBy: k.createdBy,
  createdAt: k.createdAt,
  expiresAt: k.expiresAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
  teamId: k.teamId ?? null,
  allowedModelIds: k.allowedModelIds ?? null,
  /** After a rotation: until when the previous secret still works. */
  previousValidUntil: k.previousValidUntil ?? null,
});
