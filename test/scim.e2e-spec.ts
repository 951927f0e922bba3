/**
 * SCIM 2.0 provisioning with the requests Okta and Microsoft Entra send (shapes from
 * their SCIM integration guides): user lookup by filter, create, PATCH (Okta's path-less value
 * object, Entra's "Replace" with string booleans), deactivation that ends sessions at once,
 * groups with members mapped to roles, and tenant isolation by bearer token.
 */
import { Role } from '@velvet/access';
import { AuthService } from '@velvet/auth';
import { User } from '@velvet/organizations';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import { accountManager, ssoOrg, type SsoOrg } from './support/sso-fixtures';

const SCIM = 'application/scim+json';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('SCIM 2.0 provisioning', () => {
  let portal: RunningPortal;
  let am: Session;
  let acme: SsoOrg;
  let other: SsoOrg;
  let token: string;
  let otherToken: string;

  const scim = (
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    body?: object,
    t = token,
  ) => {
    const req = request(portal.url)[method](`/scim/v2${path}`).set('Authorization', `Bearer ${t}`);
    return body ? req.set('Content-Type', SCIM).send(JSON.stringify(body)) : req;
  };
  const makeToken = async (org: SsoOrg) =>
    (
      await request(portal.url)
        .post(`/organizations/${org.admin.organizationId}/scim-tokens`)
        .set(bearer(org.admin))
        .send({ name: 'IdP' })
        .expect(201)
    ).body.token as string;

  beforeAll(async () => {
    portal = await startPortal();
    am = await accountManager(portal);
    acme = await ssoOrg(portal, 'AcmeScim', ['acme-scim.example'], am);
    other = await ssoOrg(portal, 'OtherScim', ['other-scim.example'], am);
    await request(portal.url)
      .put(`/organizations/${acme.admin.organizationId}/sso`)
      .set(bearer(acme.admin))
      .send({
        protocol: 'saml',
        issuer: 'https://idp.acme',
        samlEntryPoint: 'https://idp.acme/sso',
        samlIdpCert: 'MIIBcert',
        groupRoles: { 'Portal Admins': Role.OrgAdmin },
      })
      .expect(200);
    token = await makeToken(acme);
    otherToken = await makeToken(other);
  });
  afterAll(() => portal?.close());

  it('refuses requests without a valid token, in SCIM error form', async () => {
    const res = await request(portal.url)
      .get('/scim/v2/Users')
      .set('Authorization', 'Bearer nope')
      .expect(401);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    const list = await request(portal.url)
      .get(`/organizations/${acme.admin.organizationId}/scim-tokens`)
      .set(bearer(acme.admin))
      .expect(200);
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it('provisions a user the way Okta does: filter, create, path-less PATCH deactivate', async () => {
    const lookup = await scim(
      'get',
      '/Users?filter=userName%20eq%20%22otto%40acme-scim.example%22&startIndex=1&count=100',
    ).expect(200);
    expect(lookup.body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await scim('post', '/Users', {
      schemas: [USER],
      userName: 'otto@acme-scim.example',
      name: { givenName: 'Otto', familyName: 'Okta' },
      emails: [{ primary: true, value: 'otto@acme-scim.example', type: 'work' }],
      displayName: 'Otto Okta',
      locale: 'en-US',
      externalId: '00u1okta',
      groups: [],
      active: true,
    }).expect(201);
    expect(created.body).toMatchObject({
      userName: 'otto@acme-scim.example',
      active: true,
      externalId: '00u1okta',
      name: { givenName: 'Otto' },
    });
    const found = await scim(
      'get',
      '/Users?filter=userName%20eq%20%22otto%40acme-scim.example%22',
    ).expect(200);
    expect(found.body.totalResults).toBe(1);
    await scim('post', '/Users', {
      schemas: [USER],
      userName: 'otto@acme-scim.example',
      active: true,
    }).expect(409);
    const renamed = await scim('put', `/Users/${created.body.id}`, {
      ...created.body,
      name: { givenName: 'Otto', familyName: 'Renamed' },
      displayName: 'Otto Renamed',
    }).expect(200);
    expect(renamed.body.displayName).toBe('Otto Renamed');
    const off = await scim('patch', `/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    }).expect(200);
    expect(off.body.active).toBe(false);
  });

  it('provisions a user the way Entra does, and its deactivation ends the sessions at once', async () => {
    const created = await scim('post', '/Users', {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: 'entra-oid-1',
      userName: 'erin@acme-scim.example',
      active: true,
      displayName: 'Erin Entra',
      emails: [{ primary: true, type: 'work', value: 'erin@acme-scim.example' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Erin Entra', familyName: 'Entra', givenName: 'Erin' },
      roles: [],
    }).expect(201);
    const user = await portal.app
      .get(DataSource)
      .getRepository(User)
      .findOneByOrFail({ id: created.body.id });
    const pair = await portal.app.get(AuthService).issueTokens(user);
    await request(portal.url)
      .get('/auth/me')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(200);

    await scim('patch', `/Users/${created.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    }).expect(200);
    await request(portal.url)
      .get('/auth/me')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .expect(401);
    await request(portal.url)
      .post('/auth/refresh')
      .send({ refreshToken: pair.refreshToken })
      .expect(401);
    const back = await scim('get', `/Users/${created.body.id}`).expect(200);
    expect(back.body.active).toBe(false);
  });

  it('maps groups to roles as members are added and removed (Entra Add/Remove, Okta remove by filter path)', async () => {
    const ann = (
      await scim('post', '/Users', {
        schemas: [USER],
        userName: 'ann@acme-scim.example',
        active: true,
      }).expect(201)
    ).body;
    const group = await scim('post', '/Groups', {
      schemas: [GROUP],
      externalId: 'g-1',
      displayName: 'Portal Admins',
      members: [],
    }).expect(201);
    await scim('patch', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: ann.id }] }],
    }).expect(200);
    const users = portal.app.get(DataSource).getRepository(User);
    expect((await users.findOneByOrFail({ id: ann.id })).role).toBe(Role.OrgAdmin);
    const listed = await scim(
      'get',
      `/Groups?filter=displayName%20eq%20%22Portal%20Admins%22`,
    ).expect(200);
    expect(listed.body.Resources[0].members).toEqual([
      { value: ann.id, display: 'ann@acme-scim.example' },
    ]);
    await scim('patch', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${ann.id}"]` }],
    }).expect(200);
    expect((await scim('get', `/Groups/${group.body.id}`).expect(200)).body.members).toEqual([]);
    await scim('patch', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Admins (renamed)' }],
    }).expect(200);
    await scim('delete', `/Groups/${group.body.id}`).expect(204);
    await scim('get', `/Groups/${group.body.id}`).expect(404);
  });

  it('maps a group to a team chosen by the org admin: its active members belong to the team (Okta push, Entra Add)', async () => {
    const org = `/organizations/${acme.admin.organizationId}`;
    const user = async (userName: string) =>
      (await scim('post', '/Users', { schemas: [USER], userName, active: true }).expect(201)).body
        .id as string;
    const [una, uwe] = [await user('una@acme-scim.example'), await user('uwe@acme-scim.example')];
    const team = (
      await request(portal.url)
        .post(`${org}/teams`)
        .set(bearer(acme.admin))
        .send({ name: 'Platform' })
        .expect(201)
    ).body as { id: string };
    // Okta pushes a group with its members in the create request
    const group = (
      await scim('post', '/Groups', {
        schemas: [GROUP],
        displayName: 'Platform Engineers',
        members: [{ value: una, display: 'una@acme-scim.example' }],
      }).expect(201)
    ).body as { id: string };
    const listed = async () =>
      (
        (await request(portal.url).get(`${org}/scim-groups`).set(bearer(acme.admin)).expect(200))
          .body as { id: string; teamId: string | null; members: { email: string }[] }[]
      ).find((g) => g.id === group.id)!;
    expect(await listed()).toMatchObject({
      teamId: null,
      members: [{ email: 'una@acme-scim.example' }],
    });

    const mapped = await request(portal.url)
      .put(`${org}/scim-groups/${group.id}/team`)
      .set(bearer(acme.admin))
      .send({ teamId: team.id })
      .expect(200);
    expect(mapped.body).toMatchObject({ teamId: team.id, displayName: 'Platform Engineers' });
    // idempotent
    await request(portal.url)
      .put(`${org}/scim-groups/${group.id}/team`)
      .set(bearer(acme.admin))
      .send({ teamId: team.id })
      .expect(200);

    // Entra adds a member with "Add"; Okta renames with a full PUT: the admin's mapping stays
    await scim('patch', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: uwe }] }],
    }).expect(200);
    await scim('put', `/Groups/${group.id}`, {
      schemas: [GROUP],
      id: group.id,
      displayName: 'Platform Eng',
      members: [{ value: una }, { value: uwe }],
    }).expect(200);
    expect(await listed()).toMatchObject({
      teamId: team.id,
      displayName: 'Platform Eng',
      members: [{ email: 'una@acme-scim.example' }, { email: 'uwe@acme-scim.example' }],
    });
    // a SCIM client cannot move the group to another team: teamId is not a SCIM attribute
    await scim('patch', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'teamId', value: null }],
    });
    expect((await listed()).teamId).toBe(team.id);

    // Okta deactivates una (path-less value object): she leaves the team at once
    await scim('patch', `/Users/${una}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    }).expect(200);
    expect((await listed()).members).toEqual([{ userId: uwe, email: 'uwe@acme-scim.example' }]);

    // another organisation's team or group is not found, either way round
    const otherOrg = `/organizations/${other.admin.organizationId}`;
    const otherTeam = (
      await request(portal.url)
        .post(`${otherOrg}/teams`)
        .set(bearer(other.admin))
        .send({ name: 'Theirs' })
        .expect(201)
    ).body as { id: string };
    await request(portal.url)
      .put(`${org}/scim-groups/${group.id}/team`)
      .set(bearer(acme.admin))
      .send({ teamId: otherTeam.id })
      .expect(404);
    await request(portal.url)
      .put(`${otherOrg}/scim-groups/${group.id}/team`)
      .set(bearer(other.admin))
      .send({ teamId: otherTeam.id })
      .expect(404);
    await request(portal.url)
      .put(`${org}/scim-groups/${group.id}/team`)
      .set(bearer(acme.admin))
      .send({ teamId: 'not-a-uuid' })
      .expect(400);
    expect((await listed()).teamId).toBe(team.id);

    // deleting the team keeps the group, without a team
    await request(portal.url).delete(`${org}/teams/${team.id}`).set(bearer(acme.admin)).expect(204);
    expect(await listed()).toMatchObject({ teamId: null, displayName: 'Platform Eng' });
  });

  it('keeps each token to its organisation, and addresses to verified domains', async () => {
    const ours = (await scim('get', '/Users').expect(200)).body.Resources as { id: string }[];
    expect(ours.length).toBeGreaterThan(0);
    await scim('get', `/Users/${ours[0].id}`, undefined, otherToken).expect(404);
    await scim(
      'patch',
      `/Users/${ours[0].id}`,
      { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
      otherToken,
    ).expect(404);
    await scim('delete', `/Users/${ours[0].id}`, undefined, otherToken).expect(404);
    const foreign = await scim('post', '/Users', {
      schemas: [USER],
      userName: 'someone@gmail.example',
      active: true,
    }).expect(400);
    expect(foreign.body.scimType).toBe('invalidValue');
    await scim('get', '/Users?filter=userName%20eq').expect(400);
  });

  it('stops honouring a revoked token', async () => {
    const list = await request(portal.url)
      .get(`/organizations/${other.admin.organizationId}/scim-tokens`)
      .set(bearer(other.admin))
      .expect(200);
    await request(portal.url)
      .delete(`/organizations/${other.admin.organizationId}/scim-tokens/${list.body[0].id}`)
      .set(bearer(other.admin))
      .expect(204);
    await scim('get', '/Users', undefined, otherToken).expect(401);
  });
});
