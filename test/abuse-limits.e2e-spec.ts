import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, DEMO_TEST_PASSWORD, signUp } from './support/http';
import { tokenMailedTo } from './support/mail';
import { startPortal, type RunningPortal } from './support/portal';

/** Client addresses, as the loopback proxy in front of the portal reports them. */
const from = (addr: string) => ({ 'X-Forwarded-For': addr });
const signupBody = (n: string) => ({
  organizationName: `Spam ${n}`,
  email: `owner@spam-${n}.example`,
  password: DEMO_TEST_PASSWORD,
  displayName: 'Spammer',
});

describe('abuse limits: sign-up and login', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal({
      SIGNUP_RATE_LIMIT_PER_ADDRESS_PER_HOUR: '2',
      SIGNUP_RATE_LIMIT_GLOBAL_PER_HOUR: '5',
      LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '6',
    });
  });
  afterAll(() => portal.close());

  it('limits sign-ups per client address, then for everyone, with a clear 429', async () => {
    const signup = (n: string, addr: string) =>
      request(portal.url).post('/auth/signup').set(from(addr)).send(signupBody(n));
    await signup('a1', '203.0.113.1').expect(201);
    await signup('a2', '203.0.113.1').expect(201);
    const perAddress = await signup('a3', '203.0.113.1').expect(429);
    expect(perAddress.body.message).toMatch(
      /Too many sign-ups from your network address; try again in \d+ s/,
    );
    expect(Number(perAddress.headers['retry-after'])).toBeGreaterThan(0);
    // other addresses go on until the global allowance (5) is spent
    await signup('b1', '203.0.113.2').expect(201);
    await signup('c1', '203.0.113.3').expect(201);
    await signup('d1', '203.0.113.4').expect(201);
    const global = await signup('e1', '203.0.113.5').expect(429);
    expect(global.body.message).toMatch(/Sign-ups are paused/);
    const [{ n }] = await portal.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM organizations WHERE name LIKE 'Spam %'`);
    expect(n).toBe(5);
  });

  it('limits logins per client address across accounts (password spraying)', async () => {
    const spray = (i: number, addr: string) =>
      request(portal.url)
        .post('/auth/login')
        .set(from(addr))
        .send({ email: `victim${i}@spray.example`, password: 'Summer2026!-common' });
    for (let i = 0; i < 6; i++) await spray(i, '198.51.100.7').expect(401);
    const limited = await spray(6, '198.51.100.7').expect(429);
    expect(limited.body.message).toMatch(/Too many login attempts from your network address/);
    // another address is not affected
    await spray(7, '198.51.100.8').expect(401);
  });
});

describe('e-mail verification and invitations that reveal nothing', () => {
  let portal: RunningPortal;
  let db: DataSource;
  beforeAll(async () => {
    portal = await startPortal();
    db = portal.app.get(DataSource);
  });
  afterAll(() => portal.close());

  it('makes no API key before the sign-up address is confirmed through the mailed link', async () => {
    const admin = await signUp(portal, 'Unconfirmed', 'admin@unconfirmed.example', false);
    const refused = await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: 'early' })
      .expect(403);
    expect(refused.body.code).toBe('email_unverified');
    const me = await request(portal.url).get('/auth/me').set(bearer(admin)).expect(200);
    expect(me.body.organization.emailVerified).toBe(false);
    // a new link replaces nothing: either works once
    await request(portal.url).post('/auth/verify-email/resend').set(bearer(admin)).expect(202);
    const token = await tokenMailedTo(db, 'admin@unconfirmed.example');
    await request(portal.url).post('/auth/verify-email').send({ token }).expect(200);
    const reused = await request(portal.url).post('/auth/verify-email').send({ token }).expect(422);
    expect(reused.body.code).toBe('verification_invalid');
    await request(portal.url)
      .post('/auth/verify-email')
      .send({ token: 'x'.repeat(43) })
      .expect(422);
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/api-keys`)
      .set(bearer(admin))
      .send({ name: 'now' })
      .expect(201);
  });

  it('invites an address registered elsewhere exactly like a new one, and refuses it only at acceptance', async () => {
    await signUp(portal, 'Elsewhere', 'taken@elsewhere.example');
    const admin = await signUp(portal, 'Prober', 'admin@prober.example');
    const invite = (email: string) =>
      request(portal.url)
        .post(`/organizations/${admin.organizationId}/invitations`)
        .set(bearer(admin))
        .send({ email, role: 'org_member' })
        .expect(201);
    const taken = await invite('taken@elsewhere.example');
    const fresh = await invite('nobody@fresh.example');
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(taken.body.token).toBeUndefined();
    // only the address's owner, who holds the mailed token, learns that it has an account
    const accepted = await request(portal.url)
      .post('/auth/invitations/accept')
      .send({
        token: await tokenMailedTo(db, 'taken@elsewhere.example'),
        displayName: 'T',
        password: DEMO_TEST_PASSWORD,
      })
      .expect(409);
    expect(accepted.body.code).toBe('email_taken');
    await request(portal.url)
      .post('/auth/invitations/accept')
      .send({
        token: await tokenMailedTo(db, 'nobody@fresh.example'),
        displayName: 'N',
        password: DEMO_TEST_PASSWORD,
      })
      .expect(201);
  });
});
