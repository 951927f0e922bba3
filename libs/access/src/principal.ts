import type { Role } from './roles';

/** Who is calling: a signed-in person, or a gateway API key acting for its organisation. */
export type Principal = UserPrincipal | ApiKeyPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  role: Role;
  /** Null for provider staff. */
  organizationId: string | null;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  apiKeyId: string;
  organizationId: string;
  /** The user who created the key; audit records carry it. */
  createdByUserId: string | null;
  /** The team the key belongs to (its limits apply between the organisation's and the key's). */
  teamId?: string | null;
  /** Models this key may call, among those the organisation may (null or absent: all of them). */
  allowedModelIds?: readonly string[] | null;
}
