import { DataSource } from 'typeorm';
import request from 'supertest';
import { startPortal, type RunningPortal } from './support/portal';
import { bearer, signUp, type Session } from './support/http';
import { databaseFingerprint } from './support/db-fingerprint';

/** Bad input gets a clear 4xx in Nest's JSON shape and changes nothing. */
describe('bad input on the portal API', () => {
  let portal: RunningPortal;
  let admin: Session;
  beforeAll(async () => {
    portal = await startPortal();
    admin = await signUp(portal, 'Umbrella', 'admin@umbrella.example');
  });
  afterAll(() => portal.close());

  const cases: [string, (s: Session) => request.Test, number, RegExp][] = [
    ['unknown field', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).send({ name: 'k', admin: true }), 400, /property admin should not exist/],
    ['wrong type', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).send({ name: 42 }), 400, /name must be a string/],
    ['bad date', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).send({ name: 'k', expiresAt: 'soon' }), 400, /expiresAt must be a Date/],
    ['expiry in the past', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).send({ name: 'k', expiresAt: '2001-01-01T00:00:00Z' }), 422, /future/],
    ['malformed JSON', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).set('content-type', 'application/json').send('{"name": '), 400, /JSON/i],
    ['oversize body', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/api-keys`).set(bearer(s)).send({ name: 'x'.repeat(200_000) }), 413, /too large/i],
    ['bad uuid in path', (s) => request(portalUrl()).get('/organizations/not-a-uuid').set(bearer(s)), 400, /uuid/i],
    ['bad pagination', (s) => request(portalUrl()).get('/organizations?limit=100000').set(bearer(s)), 400, /limit/],
    ['invalid enum', (s) => request(portalUrl()).post(`/organizations/${s.organizationId}/invitations`).set(bearer(s)).send({ email: 'a@b.example', role: 'platform_admin' }), 400, /role/],
  ];

  function portalUrl() {
    return portal.url;
  }

  it.each(cases)('%s -> clear error, nothing changed', async (_name, call, status, message) => {
    const dataSource = portal.app.get(DataSource);
    const before = await databaseFingerprint(dataSource);
    const res = await call(admin);
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(JSON.stringify(res.body.message)).toMatch(message);
    expect(await databaseFingerprint(dataSource)).toBe(before);
  });
});

describe('members and invitations', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('invites a member who accepts once; the token cannot be reused', async () => {
    const admin = await signUp(portal, 'Stark', 'tony@stark.example');
    const invite = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/invitations`)
      .set(bearer(admin))
      .send({ email: 'Pepper@Stark.example', role: 'org_member' })
      .expect(201);
    const accept = { token: invite.body.token, displayName: 'Pepper', password: 'a-very-long-password' };
    const accepted = await request(portal.url).post('/auth/invitations/accept').send(accept).expect(201);
    expect(accepted.body.user).toMatchObject({ email: 'pepper@stark.example', role: 'org_member', organizationId: admin.organizationId });
    const again = await request(portal.url).post('/auth/invitations/accept').send(accept).expect(422);
    expect(again.body.code).toBe('invitation_invalid');
  });

  it('keeps at least one admin in an organisation', async () => {
    const admin = await signUp(portal, 'Wayne', 'bruce@wayne.example');
    const res = await request(portal.url)
      .patch(`/organizations/${admin.organizationId}/members/${admin.userId}`)
      .set(bearer(admin))
      .send({ role: 'org_member' })
      .expect(409);
    expect(res.body.code).toBe('last_admin');
    const members = await request(portal.url).get(`/organizations/${admin.organizationId}/members`).set(bearer(admin)).expect(200);
    expect(members.body[0].role).toBe('org_admin');
  });

  it('shows a new API key once and never its secret again', async () => {
    const admin = await signUp(portal, 'Oscorp', 'norman@oscorp.example');
    const created = await request(portal.url).post(`/organizations/${admin.organizationId}/api-keys`).set(bearer(admin)).send({ name: 'bot' }).expect(201);
    expect(created.body.key).toMatch(/^vr_/);
    const list = await request(portal.url).get(`/organizations/${admin.organizationId}/api-keys`).set(bearer(admin)).expect(200);
    // the secret is everything after `vr_<lookup id>_` (it may itself contain '_')
    const secret = /^vr_[^_]+_(.+)$/.exec(created.body.key)![1];
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body[0]).toMatchObject({ id: created.body.id, prefix: expect.stringMatching(/^vr_/) });
    const revoked = await request(portal.url).delete(`/organizations/${admin.organizationId}/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    // revoking again is idempotent
    const again = await request(portal.url).delete(`/organizations/${admin.organizationId}/api-keys/${created.body.id}`).set(bearer(admin)).expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });
});
