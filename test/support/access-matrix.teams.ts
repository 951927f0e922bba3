import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Session } from './http';
import { bearer } from './http';
import type { RunningPortal } from './portal';
import type { MatrixRow, OrgFixture } from './access-matrix.table';

/** Teams, customer limits and key settings: the org admin's; members read teams; account managers read both. */
const ids = new Map<string, { keep: string; drop: string; key: string }>();
const of = (t: OrgFixture) => ids.get(t.orgId)!;
const limits = () => ({ requestsPerMinute: 10, spendCapMicros: '1000000' });
const admin: MatrixRow['allow'] = { [Role.OrgAdmin]: 'own' };

export const TEAMS_MATRIX: MatrixRow[] = [
  {
    route: 'GET /organizations/:orgId/teams',
    path: (t) => `/organizations/${t.orgId}/teams`,
    allow: { [Role.OrgAdmin]: 'own', [Role.OrgMember]: 'own', [Role.AccountManager]: 'all' },
  },
  {
    route: 'POST /organizations/:orgId/teams',
    path: (t) => `/organizations/${t.orgId}/teams`,
    body: () => ({ name: `m-${randomUUID().slice(0, 8)}` }),
    allow: admin,
  },
  {
    route: 'PATCH /organizations/:orgId/teams/:teamId',
    path: (t) => `/organizations/${t.orgId}/teams/${of(t).keep}`,
    body: () => ({ name: `r-${randomUUID().slice(0, 8)}` }),
    allow: admin,
  },
  {
    route: 'GET /organizations/:orgId/limits',
    path: (t) => `/organizations/${t.orgId}/limits`,
    allow: { [Role.OrgAdmin]: 'own', [Role.AccountManager]: 'all' },
  },
  {
    route: 'PUT /organizations/:orgId/limits/organization',
    path: (t) => `/organizations/${t.orgId}/limits/organization`,
    body: limits,
    allow: admin,
  },
  {
    route: 'PUT /organizations/:orgId/limits/teams/:teamId',
    path: (t) => `/organizations/${t.orgId}/limits/teams/${of(t).keep}`,
    body: limits,
    allow: admin,
  },
  {
    route: 'PUT /organizations/:orgId/limits/api-keys/:keyId',
    path: (t) => `/organizations/${t.orgId}/limits/api-keys/${of(t).key}`,
    body: limits,
    allow: admin,
  },
  {
    route: 'DELETE /organizations/:orgId/limits/api-keys/:keyId',
    path: (t) => `/organizations/${t.orgId}/limits/api-keys/${of(t).key}`,
    allow: admin,
  },
  {
    route: 'DELETE /organizations/:orgId/limits/teams/:teamId',
    path: (t) => `/organizations/${t.orgId}/limits/teams/${of(t).keep}`,
    allow: admin,
  },
  {
    route: 'DELETE /organizations/:orgId/limits/organization',
    path: (t) => `/organizations/${t.orgId}/limits/organization`,
    allow: admin,
  },
  {
    route: 'PATCH /organizations/:orgId/api-keys/:keyId',
    path: (t) => `/organizations/${t.orgId}/api-keys/${of(t).key}`,
    body: (t) => ({ teamId: of(t).keep }),
    allow: admin,
  },
  {
    route: 'POST /organizations/:orgId/api-keys/:keyId/rotate',
    path: (t) => `/organizations/${t.orgId}/api-keys/${of(t).key}/rotate`,
    body: () => ({ graceSeconds: 60 }),
    allow: admin,
  },
  {
    route: 'GET /organizations/:orgId/budget-alerts',
    path: (t) => `/organizations/${t.orgId}/budget-alerts`,
    allow: { [Role.OrgAdmin]: 'own', [Role.AccountManager]: 'all' },
  },
  {
    route: 'PUT /organizations/:orgId/budget-alerts/webhook',
    path: (t) => `/organizations/${t.orgId}/budget-alerts/webhook`,
    body: () => ({ url: 'https://hooks.matrix.example/budget' }),
    allow: admin,
  },
  {
    route: 'DELETE /organizations/:orgId/budget-alerts/webhook',
    path: (t) => `/organizations/${t.orgId}/budget-alerts/webhook`,
    allow: admin,
  },
  {
    route: 'DELETE /organizations/:orgId/teams/:teamId',
    path: (t) => `/organizations/${t.orgId}/teams/${of(t).drop}`,
    allow: admin,
  },
];

/** Two teams (one to keep, one to delete) and a key of its own per organisation. */
export async function prepareTeamsFixtures(
  portal: RunningPortal,
  orgs: { org: OrgFixture; admin: Session }[],
): Promise<void> {
  for (const { org, admin: session } of orgs) {
    const post = (path: string, body: object) =>
      request(portal.url)
        .post(`/organizations/${org.orgId}${path}`)
        .set(bearer(session))
        .send(body)
        .expect(201);
    const keep = (await post('/teams', { name: 'keep' })).body.id as string;
    const drop = (await post('/teams', { name: 'drop' })).body.id as string;
    const key = (await post('/api-keys', { name: 'matrix-settings' })).body.id as string;
    ids.set(org.orgId, { keep, drop, key });
  }
}
