import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import { ANALYTICS_MATRIX } from './access-matrix.analytics';
import { CONTRACT_MATRIX } from './access-matrix.contracts';
import { DETECTION_MATRIX } from './access-matrix.detection';
import { SCIM_MATRIX, SSO_MATRIX } from './access-matrix.sso';
import { TEAMS_MATRIX } from './access-matrix.teams';

/** One organisation's objects that the matrix points routes at. */
export interface OrgFixture {
  orgId: string;
  adminUserId: string;
  memberUserId: string;
  apiKeyId: string;
  /** A pending invitation (resent, then revoked, by the matrix). */
  invitationId: string;
  /** Sequence number of an audit record of this organisation (written directly by the suite). */
  auditSeq?: number;
}

export interface Fixture {
  /** The organisation of the customer roles under test. */
  own: OrgFixture;
  other: OrgFixture;
  staffUserId: string;
}

/** own: allowed on its own organisation's objects only; all: on any; none (default): refused. */
export type Grant = 'own' | 'all' | 'none';

export interface MatrixRow {
  route: string;
  /** Distinguishes several rows for one route (different bodies). */
  name?: string;
  path: (target: OrgFixture, fixture: Fixture) => string;
  body?: (target: OrgFixture, fixture: Fixture) => object;
  allow: Partial<Record<Role, Grant>>;
}

/** Routes anyone may call. Adding one here is a deliberate decision, reviewed like any other. */
export const PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'POST /auth/signup',
  'POST /auth/login',
  'POST /auth/refresh',
  'POST /auth/logout',
  'POST /auth/invitations/accept',
  'POST /auth/verify-email',
  // the audit log as a C2SP tlog-tiles log: checkpoint, hash tiles and entry bundles (no customer data)
  'GET /audit-log/checkpoint',
  'GET /audit-log/tile/*path',
  // single sign-on round trip: the IdP redirect, its callbacks, and our SAML metadata
  'GET /auth/sso/start',
  'GET /auth/sso/oidc/callback',
  'POST /auth/sso/saml/acs',
  'GET /auth/sso/saml/:orgId/metadata',
  // SCIM 2.0: authenticated by the organisation's SCIM bearer token (ScimTokenGuard), not a session
  'GET /scim/v2/Users',
  'GET /scim/v2/Users/:id',
  'POST /scim/v2/Users',
  'PUT /scim/v2/Users/:id',
  'PATCH /scim/v2/Users/:id',
  'DELETE /scim/v2/Users/:id',
  'GET /scim/v2/Groups',
  'GET /scim/v2/Groups/:id',
  'POST /scim/v2/Groups',
  'PUT /scim/v2/Groups/:id',
  'PATCH /scim/v2/Groups/:id',
  'DELETE /scim/v2/Groups/:id',
  // the gateways' receipt verifier keys (public keys only)
  'GET /audit-log/receipt-keys',
];

const everyone: MatrixRow['allow'] = {
  [Role.PlatformAdmin]: 'all',
  [Role.AccountManager]: 'all',
  [Role.SecurityReviewer]: 'all',
  [Role.OrgAdmin]: 'all',
  [Role.OrgMember]: 'all',
};
const staffRead = {
  [Role.PlatformAdmin]: 'all',
  [Role.AccountManager]: 'all',
  [Role.SecurityReviewer]: 'all',
} as const;

const auditOwn = { [Role.SecurityReviewer]: 'all', [Role.OrgAdmin]: 'own' } as const;
const auditAll = { [Role.SecurityReviewer]: 'all', [Role.OrgAdmin]: 'all' } as const;

export const MATRIX: MatrixRow[] = [
  { route: 'GET /auth/me', path: () => '/auth/me', allow: everyone },
  {
    route: 'POST /auth/verify-email/resend',
    path: () => '/auth/verify-email/resend',
    allow: everyone,
  },
  { route: 'GET /organizations', path: () => '/organizations', allow: everyone },
  {
    route: 'GET /organizations/:orgId',
    path: (t) => `/organizations/${t.orgId}`,
    allow: { ...staffRead, [Role.OrgAdmin]: 'own', [Role.OrgMember]: 'own' },
  },
  {
    route: 'PATCH /organizations/:orgId',
    name: 'rename organisation',
    path: (t) => `/organizations/${t.orgId}`,
    body: () => ({ name: 'Renamed' }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'PATCH /organizations/:orgId',
    name: 'verify organisation',
    path: (t) => `/organizations/${t.orgId}`,
    body: () => ({ verified: true }),
    allow: { [Role.PlatformAdmin]: 'all', [Role.AccountManager]: 'all' },
  },
  {
    route: 'GET /organizations/:orgId/members',
    path: (t) => `/organizations/${t.orgId}/members`,
    allow: { ...staffRead, [Role.OrgAdmin]: 'own', [Role.OrgMember]: 'own' },
  },
  {
    route: 'PATCH /organizations/:orgId/members/:userId',
    path: (t) => `/organizations/${t.orgId}/members/${t.memberUserId}`,
    body: () => ({ role: Role.OrgMember }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'POST /organizations/:orgId/invitations',
    path: (t) => `/organizations/${t.orgId}/invitations`,
    body: () => ({ email: `invitee-${randomUUID()}@example.com`, role: Role.OrgMember }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/invitations',
    path: (t) => `/organizations/${t.orgId}/invitations`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  // resend precedes revoke, so the admin's resend finds the invitation still pending
  {
    route: 'POST /organizations/:orgId/invitations/:id/resend',
    path: (t) => `/organizations/${t.orgId}/invitations/${t.invitationId}/resend`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'DELETE /organizations/:orgId/invitations/:id',
    path: (t) => `/organizations/${t.orgId}/invitations/${t.invitationId}`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/api-keys',
    path: (t) => `/organizations/${t.orgId}/api-keys`,
    allow: { [Role.SecurityReviewer]: 'all', [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'POST /organizations/:orgId/api-keys',
    path: (t) => `/organizations/${t.orgId}/api-keys`,
    body: () => ({ name: 'matrix key' }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'DELETE /organizations/:orgId/api-keys/:keyId',
    path: (t) => `/organizations/${t.orgId}/api-keys/${t.apiKeyId}`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/spend',
    path: (t) => `/organizations/${t.orgId}/spend`,
    allow: { ...staffRead, [Role.OrgAdmin]: 'own', [Role.OrgMember]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/spend/breakdown',
    path: (t) => `/organizations/${t.orgId}/spend/breakdown`,
    allow: { ...staffRead, [Role.OrgAdmin]: 'own', [Role.OrgMember]: 'own' },
  },
  { route: 'GET /staff', path: () => '/staff', allow: { [Role.PlatformAdmin]: 'all' } },
  {
    route: 'POST /staff',
    path: () => '/staff',
    body: () => ({
      email: `staff-${randomUUID()}@velvet.test`,
      displayName: 'New',
      password: 'a-long-password-1',
      role: Role.AccountManager,
    }),
    allow: { [Role.PlatformAdmin]: 'all' },
  },
  {
    route: 'PATCH /staff/:userId',
    path: (_t, f) => `/staff/${f.staffUserId}`,
    body: () => ({ role: Role.AccountManager }),
    allow: { [Role.PlatformAdmin]: 'all' },
  },
  // catalog, unlock rules, contracts, statements, entitlements, suspensions
  ...CONTRACT_MATRIX,
  // security review: alert cases, risk scores, provenance, detection runs
  ...DETECTION_MATRIX,
  ...SSO_MATRIX,
  ...SCIM_MATRIX,
  ...TEAMS_MATRIX,
  // usage analytics (spend readers) and statement periods (statement readers)
  ...ANALYTICS_MATRIX,
  // Audit log: reviewers everything, org admins their own records; proofs and heads are hashes only.
  {
    route: 'GET /audit/records',
    path: (t) => `/audit/records?organizationId=${t.orgId}`,
    allow: auditOwn,
  },
  {
    route: 'GET /audit/records/:seq',
    path: (t) => `/audit/records/${t.auditSeq}`,
    allow: auditOwn,
  },
  {
    route: 'GET /audit/records/:seq/inclusion-proof',
    path: (t) => `/audit/records/${t.auditSeq}/inclusion-proof`,
    allow: auditOwn,
  },
  {
    route: 'GET /audit/export',
    path: (t) => `/audit/export?organizationId=${t.orgId}`,
    allow: auditOwn,
  },
  {
    route: 'GET /audit/proofs/consistency',
    path: () => '/audit/proofs/consistency?first=1',
    allow: auditAll,
  },
  {
    route: 'GET /audit/tree-heads/latest',
    path: () => '/audit/tree-heads/latest',
    allow: auditAll,
  },
  { route: 'GET /audit/tree-heads', path: () => '/audit/tree-heads', allow: auditAll },
  { route: 'GET /audit/integrity-alarm', path: () => '/audit/integrity-alarm', allow: auditAll },
];
