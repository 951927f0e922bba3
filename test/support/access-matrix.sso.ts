import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Session } from './http';
import { bearer } from './http';
import type { RunningPortal } from './portal';
import type { MatrixRow, OrgFixture } from './access-matrix.table';

/** Single sign-on settings. Org admins their own; account managers verify domains. */
const keep = (t: OrgFixture) => `keep-${t.orgId.slice(0, 8)}.example`;
const drop = (t: OrgFixture) => `drop-${t.orgId.slice(0, 8)}.example`;
const samlConnection = () => ({
  protocol: 'saml',
  issuer: 'https://idp.matrix.test/saml',
  samlEntryPoint: 'https://idp.matrix.test/sso',
  samlIdpCert: 'MIIBmatrixcertificate',
});

export const SSO_MATRIX: MatrixRow[] = [
  {
    route: 'GET /organizations/:orgId/sso',
    path: (t) => `/organizations/${t.orgId}/sso`,
    allow: { [Role.PlatformAdmin]: 'all', [Role.AccountManager]: 'all', [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'PUT /organizations/:orgId/sso',
    path: (t) => `/organizations/${t.orgId}/sso`,
    body: samlConnection,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'POST /organizations/:orgId/sso/domains',
    path: (t) => `/organizations/${t.orgId}/sso/domains`,
    body: () => ({ domain: `m-${randomUUID().slice(0, 8)}.example` }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'POST /organizations/:orgId/sso/domains/:domain/verify',
    path: (t) => `/organizations/${t.orgId}/sso/domains/${keep(t)}/verify`,
    allow: { [Role.AccountManager]: 'all' },
  },
  {
    route: 'DELETE /organizations/:orgId/sso/domains/:domain',
    path: (t) => `/organizations/${t.orgId}/sso/domains/${drop(t)}`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'DELETE /organizations/:orgId/sso',
    path: (t) => `/organizations/${t.orgId}/sso`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
];

/** Each organisation claims two domains (one to verify, one to drop) and has a SAML connection. */
export async function prepareSsoFixtures(
  portal: RunningPortal,
  orgs: { org: OrgFixture; admin: Session }[],
): Promise<void> {
  for (const { org, admin } of orgs) {
    for (const domain of [keep(org), drop(org)]) {
      await request(portal.url)
        .post(`/organizations/${org.orgId}/sso/domains`)
        .set(bearer(admin))
        .send({ domain })
        .expect(201);
    }
    await request(portal.url)
      .put(`/organizations/${org.orgId}/sso`)
      .set(bearer(admin))
      .send(samlConnection())
      .expect(200);
  }
}

/** SCIM bearer tokens, the org admin's own. (The SCIM routes take those tokens, not sessions: public here.) */
export const SCIM_MATRIX: MatrixRow[] = [
  {
    route: 'POST /organizations/:orgId/scim-tokens',
    path: (t) => `/organizations/${t.orgId}/scim-tokens`,
    body: () => ({ name: 'matrix' }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/scim-tokens',
    path: (t) => `/organizations/${t.orgId}/scim-tokens`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'DELETE /organizations/:orgId/scim-tokens/:tokenId',
    path: (t) => `/organizations/${t.orgId}/scim-tokens/${scimTokenIds.get(t.orgId)}`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'GET /organizations/:orgId/scim-groups',
    path: (t) => `/organizations/${t.orgId}/scim-groups`,
    allow: { [Role.OrgAdmin]: 'own' },
  },
  {
    route: 'PUT /organizations/:orgId/scim-groups/:groupId/team',
    path: (t) => `/organizations/${t.orgId}/scim-groups/${scimGroupIds.get(t.orgId)}/team`,
    body: () => ({ teamId: null }),
    allow: { [Role.OrgAdmin]: 'own' },
  },
];

const scimTokenIds = new Map<string, string>();
const scimGroupIds = new Map<string, string>();

/** A SCIM token per organisation, for the revoke row, and a group its IdP pushed. */
export async function prepareScimFixtures(
  portal: RunningPortal,
  orgs: { org: OrgFixture; admin: Session }[],
): Promise<void> {
  for (const { org, admin } of orgs) {
    const res = await request(portal.url)
      .post(`/organizations/${org.orgId}/scim-tokens`)
      .set(bearer(admin))
      .send({ name: 'fixture' })
      .expect(201);
    scimTokenIds.set(org.orgId, res.body.id);
    const group = await request(portal.url)
      .post('/scim/v2/Groups')
      .set('authorization', `Bearer ${res.body.token}`)
      .set('content-type', 'application/scim+json')
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'fixture' })
      .expect(201);
    scimGroupIds.set(org.orgId, group.body.id);
  }
}
