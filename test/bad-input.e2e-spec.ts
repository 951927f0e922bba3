import { DataSource } from 'typeorm';
import request from 'supertest';
import { startPortal, type RunningPortal } from './support/portal';
import { Role } from '@velvet/access';
import { bearer, createStaff, signUp, type Session } from './support/http';
import { databaseFingerprint } from './support/db-fingerprint';
import { tokenMailedTo } from './support/mail';

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
    [
      'unknown field',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 'k', admin: true }),
      400,
      /property admin should not exist/,
    ],
    [
      'wrong type',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 42 }),
      400,
      /name must be a string/,
    ],
    [
      'bad date',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 'k', expiresAt: 'soon' }),
      400,
      /expiresAt must be a Date/,
    ],
    [
      'expiry in the past',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 'k', expiresAt: '2001-01-01T00:00:00Z' }),
      422,
      /future/,
    ],
    [
      'malformed JSON',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .set('content-type', 'application/json')
          .send('{"name": '),
      400,
      /JSON/i,
    ],
    [
      'oversize body',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 'x'.repeat(200_000) }),
      413,
      /too large/i,
    ],
    [
      'bad uuid in path',
      (s) => request(portalUrl()).get('/organizations/not-a-uuid').set(bearer(s)),
      400,
      /uuid/i,
    ],
    [
      'bad pagination',
      (s) => request(portalUrl()).get('/organizations?limit=100000').set(bearer(s)),
      400,
      /limit/,
    ],
    [
      'invalid enum',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/invitations`)
          .set(bearer(s))
          .send({ email: 'a@b.example', role: 'platform_admin' }),
      400,
      /role/,
    ],
  ];

  function portalUrl() {
    return portal.url;
  }

  // the attack run's 500s, each now a 400 that names the field
  const get = (path: string) => (s: Session) => request(portalUrl()).get(path).set(bearer(s));
  const signupBody = {
    organizationName: 'N',
    email: 'n@n.example',
    password: 'a-long-enough-password',
    displayName: 'a\u0000b',
  };
  const nested = '{"name":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
  cases.push(
    [
      'NUL in a text field',
      () => request(portalUrl()).post('/auth/signup').send(signupBody),
      400,
      /displayName must not contain a NUL/,
    ],
    ['NUL in a path parameter', get('/organizations/a%00b'), 400, /orgId must not contain a NUL/],
    [
      'lone surrogate in an e-mail',
      () =>
        request(portalUrl())
          .post('/auth/signup')
          .send({ ...signupBody, displayName: 'x', email: 'a\ud800@b.example' }),
      400,
      /email must be valid Unicode/,
    ],
    [
      'offset 2^63',
      get('/organizations?offset=9223372036854775808'),
      400,
      /offset is out of range/,
    ],
    [
      'name null',
      (s) =>
        request(portalUrl())
          .patch(`/organizations/${s.organizationId}`)
          .set(bearer(s))
          .send({ name: null }),
      400,
      /name must not be null/,
    ],
    [
      'deep nesting',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .set('content-type', 'application/json')
          .send(nested),
      400,
      /name.* is nested more than 32 levels/,
    ],
    [
      'contract starting in year 0',
      (s) =>
        request(portalUrl())
          .post(`/organizations/${s.organizationId}/contracts`)
          .set(bearer(s))
          .send({
            tier: 'premium',
            minSpendMicros: '1000000',
            periodMonths: 3,
            termStart: '0000-01-01',
            termEnd: '2030-01-01',
            currency: 'USD',
          }),
      400,
      /termStart must be a date between/,
    ],
    [
      'non-JSON PATCH',
      (s) =>
        request(portalUrl())
          .patch(`/organizations/${s.organizationId}`)
          .set(bearer(s))
          .set('content-type', 'text/plain')
          .send('name=Changed'),
      415,
      /application\/json/,
    ],
    ['unnamed id', get('/organizations/0000-01-01/members'), 400, /orgId/],
  );

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

describe('audit parameters beyond 2^63 and years beyond any calendar', () => {
  let portal: RunningPortal;
  let security: Session;
  beforeAll(async () => {
    portal = await startPortal();
    security = await createStaff(portal, Role.SecurityReviewer, 'sec@bad-input.example');
  });
  afterAll(() => portal.close());

  it.each([
    ['/audit/records/9223372036854775808', /seq (must be an integer|is out of range)/],
    ['/audit/records/1/inclusion-proof?treeSize=9223372036854775808', /treeSize is out of range/],
    ['/audit/tree-heads?beforeSize=9223372036854775808', /beforeSize is out of range/],
    ['/audit/proofs/consistency?first=9223372036854775808', /first is out of range/],
    ['/audit/records?offset=9223372036854775808', /offset is out of range/],
    ['/audit/records?from=-271821-04-20T00:00:00Z', /from must be a date between/],
    ['/audit/export?to=-271821-04-20T00:00:00Z', /to must be a date between/],
  ])('GET %s -> 400 naming the field', async (path, message) => {
    const res = await request(portal.url).get(path).set(bearer(security));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
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
    // the token goes to the invitee's mailbox, never to the inviter
    expect(invite.body.token).toBeUndefined();
    const accept = {
      token: await tokenMailedTo(portal.app.get(DataSource), 'pepper@stark.example'),
      displayName: 'Pepper',
      password: 'a-very-long-password',
    };
    const accepted = await request(portal.url)
      .post('/auth/invitations/accept')
      .send(accept)
      .expect(201);
    expect(accepted.body.user).toMatchObject({
      email: 'pepper@stark.example',
      role: 'org_member',
      organizationId: admin.organizationId,
    });
    const again = await request(portal.url)
      .post('/auth/invitations/accept')
      .send(accept)
      .expect(422);
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
    const members = await request(portal.url)
      .get(`/organizations/${admin.organizationId}/members`)
      .set(bearer(admin))
      .expect(200);
    expect(members.body[0].role).toBe('org_admin');
  });

  it('shows a new API key once and never its secret again', async () => {
    const admin = await signUp(portal, 'Oscorp', 'norman@oscorp.example');
    const created = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: 'bot' })
      .expect(201);
    expect(created.body.key).toMatch(/^vr_/);
    const list = await request(portal.url)
      .get(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .expect(200);
    // the secret is everything after `vr_<lookup id>_` (it may itself contain '_')
    const secret = /^vr_[^_]+_(.+)$/.exec(created.body.key)![1];
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body[0]).toMatchObject({
      id: created.body.id,
      prefix: expect.stringMatching(/^vr_/),
    });
    const revoked = await request(portal.url)
      .delete(`/organizations/${admin.organizationId}/api-keys/${created.body.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    // revoking again is idempotent
    const again = await request(portal.url)
      .delete(`/organizations/${admin.organizationId}/api-keys/${created.body.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });
});
