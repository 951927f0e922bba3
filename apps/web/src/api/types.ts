import type { RawRuleOf, MongoAbility } from '@casl/ability';

export type Role =
  'org_admin' | 'org_member' | 'account_manager' | 'security_reviewer' | 'platform_admin';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  organizationId: string | null;
  status: string;
  createdAt: string;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  status: string;
  verified: boolean;
  /** The sign-up address was confirmed (API keys wait for it). */
  emailVerified: boolean;
  createdAt: string;
}

export interface Me {
  user: User;
  organization: Organization | null;
  rules: RawRuleOf<MongoAbility>[];
}

export interface LoginResponse {
  user: User;
  /** Kept in memory only; the refresh token is an httpOnly cookie. */
  accessToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
