import { createHmac } from 'node:crypto';
import request from 'supertest';
import { startPortal, type RunningPortal } from './support/portal';
import { Role } from '@velvet/access';
import { bearer, createStaff, DEMO_TEST_PASSWORD, login, signUp } from './support/http';

describe('sign-up, login, refresh and the caller’s profile', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal();
  });
  afterAll(() => portal.close());

  it('signs up an organisation with its first admin and logs in', async () => {
    const admin = await signUp(portal, 'Initech', 'ada@initech.example');
    const me = await request(portal.url).get('/auth/me').set(bearer(admin)).expect(200);
    expect(me.body.user).toMatchObject({ email: 'ada@initech.example', role: 'org_admin' });
    expect(me.body.user.passwordHash).toBeUndefined();
    expect(me.body.organization).toMatchObject({ name: 'Initech', verified: false });
    expect(me.body.rules.length).toBeGreaterThan(0);
    const again = await login(portal, 'ADA@initech.example');
    expect(again.userId).toBe(admin.userId);
  });

  it('refuses a second sign-up with the same email, changing nothing', async () => {
    await signUp(portal, 'Hooli', 'gavin@hooli.example');
    const res = await request(portal.url)
      .post('/auth/signup')
      .send({
        organizationName: 'Hooli 2',
        email: 'gavin@hooli.example',
        password: DEMO_TEST_PASSWORD,
        displayName: 'G',
      })
      .expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'email_taken' });
  });

  it('rejects wrong passwords with 401 and malformed logins with 400', async () => {
    await signUp(portal, 'Pied Piper', 'richard@pp.example');
    await request(portal.url)
      .post('/auth/login')
      .send({ email: 'richard@pp.example', password: 'nope-nope-nope' })
      .expect(401);
    await request(portal.url)
      .post('/auth/login')
      .send({ email: 'richard@pp.example', password: 42 })
      .expect(400);
    await request(portal.url)
      .post('/auth/login')
      .send({ email: 'not-an-email', password: 'x' })
      .expect(400);
    await request(portal.url)
      .post('/auth/login')
      .set('content-type', 'application/json')
      .send('{"email":')
      .expect(400);
  });

  /** The refresh cookie a response set (httpOnly, SameSite=Strict, /auth only), as `vr_refresh=…`. */
  const refreshCookie = (res: request.Response): string => {
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('vr_refresh='));
    expect(cookie).toMatch(/; Path=\/auth; .*HttpOnly; SameSite=Strict/);
    return cookie!.split(';')[0];
  };

  it('keeps the refresh token in an httpOnly cookie, rotates it, and revokes the family when an old one is replayed', async () => {
    const res = await request(portal.url)
      .post('/auth/signup')
      .send({
        organizationName: 'Vandelay',
        email: 'art@vandelay.example',
        password: DEMO_TEST_PASSWORD,
        displayName: 'Art',
      })
      .expect(201);
    expect(res.body.refreshToken).toBeUndefined();
    const first = refreshCookie(res);
    const second = await request(portal.url).post('/auth/refresh').set('Cookie', first).expect(200);
    expect(second.body.accessToken).toEqual(expect.any(String));
    expect(refreshCookie(second)).not.toBe(first);
    await request(portal.url).post('/auth/refresh').set('Cookie', first).expect(401);
    // the replay ended the family: the newer token is dead too, and so are its access tokens
    await request(portal.url)
      .post('/auth/refresh')
      .set('Cookie', refreshCookie(second))
      .expect(401);
    await request(portal.url)
      .get('/auth/me')
      .set('Authorization', `Bearer ${second.body.accessToken}`)
      .expect(401);
    await request(portal.url).post('/auth/refresh').expect(401);
  });

  it('ends the session at logout: its access token is refused at once, other sessions go on', async () => {
    await signUp(portal, 'Logout Inc', 'leave@logout.example');
    const session = await request(portal.url)
      .post('/auth/login')
      .send({ email: 'leave@logout.example', password: DEMO_TEST_PASSWORD })
      .expect(200);
    const other = await login(portal, 'leave@logout.example');
    const access = { Authorization: `Bearer ${session.body.accessToken}` };
    await request(portal.url).get('/auth/me').set(access).expect(200);
    const out = await request(portal.url)
      .post('/auth/logout')
      .set(access)
      .set('Cookie', refreshCookie(session))
      .expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/vr_refresh=;/);
    const refused = await request(portal.url).get('/auth/me').set(access).expect(401);
    expect(refused.body.message).toMatch(/Session ended/);
    await request(portal.url)
      .post('/auth/refresh')
      .set('Cookie', refreshCookie(session))
      .expect(401);
    await request(portal.url).get('/auth/me').set(bearer(other)).expect(200);
  });

  it('keeps at least one active platform admin', async () => {
    const only = await createStaff(portal, Role.PlatformAdmin, 'only-pa@velvet.test');
    const others: { id: string; role: string }[] = (
      await request(portal.url).get('/staff').set(bearer(only)).expect(200)
    ).body;
    // demote every other platform admin first (earlier tests may have made some)
    for (const o of others.filter((x) => x.role === 'platform_admin' && x.id !== only.userId))
      await request(portal.url)
        .patch(`/staff/${o.id}`)
        .set(bearer(only))
        .send({ role: 'account_manager' })
        .expect(200);
    const demote = await request(portal.url)
      .patch(`/staff/${only.userId}`)
      .set(bearer(only))
      .send({ role: 'account_manager' })
      .expect(409);
    expect(demote.body.code).toBe('last_platform_admin');
    await request(portal.url)
      .patch(`/staff/${only.userId}`)
      .set(bearer(only))
      .send({ status: 'disabled' })
      .expect(409);
    // with a second platform admin, either may step down
    const second = await createStaff(portal, Role.PlatformAdmin, 'second-pa@velvet.test');
    await request(portal.url)
      .patch(`/staff/${only.userId}`)
      .set(bearer(second))
      .send({ role: 'account_manager' })
      .expect(200);
  });

  it('locks out the members of a disabled organisation at once, tokens and all', async () => {
    const admin = await signUp(portal, 'Cyberdyne', 'miles@cyberdyne.example');
    const platform = await createStaff(portal, Role.PlatformAdmin, 'pa-auth@velvet.test');
    await request(portal.url)
      .patch(`/organizations/${admin.organizationId}`)
      .set(bearer(platform))
      .send({ status: 'disabled' })
      .expect(200);
    await request(portal.url).get('/auth/me').set(bearer(admin)).expect(401);
    // told why, but only once the password checked out
    const refused = await request(portal.url)
      .post('/auth/login')
      .send({ email: 'miles@cyberdyne.example', password: DEMO_TEST_PASSWORD })
      .expect(403);
    expect(refused.body.code).toBe('organization_disabled');
    await request(portal.url)
      .patch(`/organizations/${admin.organizationId}`)
      .set(bearer(platform))
      .send({ status: 'active' })
      .expect(200);
    await login(portal, 'miles@cyberdyne.example');
  });

  it('refuses requests without a valid access token', async () => {
    await request(portal.url).get('/auth/me').expect(401);
    await request(portal.url).get('/auth/me').set('Authorization', 'Bearer not.a.jwt').expect(401);
  });

  it('refuses tokens signed with our secret that never expire or whose subject is no user id', async () => {
    const admin = await signUp(portal, 'Forgery', 'eve@forgery.example');
    const sign = (payload: object) => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
      return `${unsigned}.${createHmac('sha256', portal.env.JWT_SECRET).update(unsigned).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const me = (token: string) =>
      request(portal.url).get('/auth/me').set('Authorization', `Bearer ${token}`);
    await me(sign({ sub: admin.userId, iat: now })).expect(401);
    await me(sign({ sub: 'not-a-uuid', iat: now, exp: now + 600 })).expect(401);
    await me(sign({ sub: { $ne: null }, iat: now, exp: now + 600 })).expect(401);
    await me(sign({ sub: admin.userId, iat: now - 7200, exp: now - 3600 })).expect(401);
  });
});

describe('login rate limit', () => {
  let portal: RunningPortal;
  beforeAll(async () => {
    portal = await startPortal({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => portal.close());

  it('answers 429 after too many attempts for one account', async () => {
    const attempt = () =>
      request(portal.url)
        .post('/auth/login')
        .send({ email: 'x@y.example', password: 'wrong-password' });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
  });
});
