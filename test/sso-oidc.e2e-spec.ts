/**
 * OpenID Connect: a real provider (`oidc-provider`, started by the test) signs people
 * in to their organisation; the sign-in ends in the same session as a password login. Refused:
 * a wrong issuer, a bad ID-token signature, a replayed or expired state, an address outside the
 * organisation's verified domains; and password login once SSO is required.
 */
import { Role } from '@velvet/access';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { bearer, DEMO_TEST_PASSWORD, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import { browseToCallback, startOidcIdp, type RunningOidcIdp } from './support/oidc-idp';
import { accountManager, sessionFromCallback, ssoOrg, type SsoOrg } from './support/sso-fixtures';

const ACCOUNTS = {
  alice: { email: 'alice@acme-sso.example', name: 'Alice', groups: ['engineering'] },
  boss: { email: 'boss@acme-sso.example', name: 'Boss', groups: ['engineering', 'velvet-admins'] },
  mallory: { email: 'mallory@elsewhere.example', name: 'Mallory' },
};

describe('single sign-on: OpenID Connect', () => {
  let portal: RunningPortal;
  let idp: RunningOidcIdp;
  let forger: RunningOidcIdp;
  let am: Session;
  let acme: SsoOrg;
  const logLines: string[] = [];
  /** Why the last refusal happened, from the portal's log (the client only sees a stable code). */
  const lastReason = () =>
    logLines
      .map((l) => JSON.parse(l) as { msg?: string; reason?: string })
      .filter((e) => e.msg === 'sso response rejected' || e.msg === 'sso start failed')
      .pop()?.reason;

  const configure = (org: SsoOrg, issuer: string, extra: object = {}) =>
    request(portal.url)
      .put(`/organizations/${org.admin.organizationId}/sso`)
      .set(bearer(org.admin))
      .send({
        protocol: 'oidc',
        issuer,
        clientId: 'velvet',
        clientSecret: 'client-secret-1',
        groupRoles: { 'velvet-admins': Role.OrgAdmin },
        ...extra,
      });

  const signIn = async (org: SsoOrg, account: string) => {
    const start = await request(portal.url)
      .get(`/auth/sso/start?organization=${org.slug}&login_hint=${account}`)
      .expect(303);
    return browseToCallback(start.headers.location, portal.url);
  };
  const callback = (url: URL) => request(portal.url).get(`${url.pathname}${url.search}`);

  beforeAll(async () => {
    portal = await startPortal(
      { LOG_LEVEL: 'info' },
      { write: (line: string) => void logLines.push(line) },
    );
    const redirectUri = `${portal.url}/auth/sso/oidc/callback`;
    idp = await startOidcIdp({
      clientId: 'velvet',
      clientSecret: 'client-secret-1',
      redirectUri,
      accounts: ACCOUNTS,
    });
    forger = await startOidcIdp({
      clientId: 'velvet',
      clientSecret: 'client-secret-1',
      redirectUri,
      accounts: ACCOUNTS,
      badJwks: true,
    });
    am = await accountManager(portal);
    acme = await ssoOrg(portal, 'AcmeSso', ['acme-sso.example'], am);
    await configure(acme, idp.issuer).expect(200);
  });
  afterAll(async () => {
    await idp?.close();
    await forger?.close();
    await portal?.close();
  });

  it('never returns or stores the client secret in clear', async () => {
    const res = await request(portal.url)
      .get(`/organizations/${acme.admin.organizationId}/sso`)
      .set(bearer(acme.admin))
      .expect(200);
    expect(res.body.connection).toMatchObject({
      protocol: 'oidc',
      clientSecretSet: true,
      issuer: idp.issuer,
    });
    expect(JSON.stringify(res.body)).not.toContain('client-secret-1');
    const [row] = await portal.app
      .get(DataSource)
      .query(`SELECT client_secret_sealed FROM sso_connections WHERE organization_id = $1`, [
        acme.admin.organizationId,
      ]);
    expect(row.client_secret_sealed).not.toContain('client-secret-1');
  });

  it('creates the user just in time in the default role and ends in a password-login session', async () => {
    const res = await callback(await signIn(acme, 'alice')).expect(303);
    expect(res.headers.location).toBe('/');
    expect(JSON.stringify(res.body ?? '')).not.toMatch(/eyJ/); // no token in the redirect
    expect(logLines.join('\n')).not.toContain('client-secret-1');
    const { user } = await sessionFromCallback(portal, res);
    expect(user).toMatchObject({
      email: 'alice@acme-sso.example',
      role: Role.OrgMember,
      organizationId: acme.admin.organizationId,
    });
    // a second sign-in finds the same person
    const again = await sessionFromCallback(
      portal,
      await callback(await signIn(acme, 'alice')).expect(303),
    );
    expect(again.user.id).toBe(user.id);
  });

  it('maps IdP groups to roles', async () => {
    const { user } = await sessionFromCallback(
      portal,
      await callback(await signIn(acme, 'boss')).expect(303),
    );
    expect(user.role).toBe(Role.OrgAdmin);
  });

  it('refuses a replayed callback (state and nonce are single-use)', async () => {
    const url = await signIn(acme, 'alice');
    await callback(url).expect(303);
    const replay = await callback(url).expect(401);
    expect(replay.body.code).toBe('sso_state_invalid');
  });

  it('refuses an expired state', async () => {
    const url = await signIn(acme, 'alice');
    await portal.app
      .get(DataSource)
      .query(
        `UPDATE sso_login_states SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`,
      );
    expect((await callback(url).expect(401)).body.code).toBe('sso_state_expired');
  });

  it('refuses an authorization response naming another issuer', async () => {
    const url = await signIn(acme, 'alice');
    url.searchParams.set('iss', 'http://127.0.0.1:1/evil');
    expect((await callback(url).expect(401)).body.code).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/iss mismatch/);
  });

  it('refuses a provider whose discovery document names another issuer than the configured one', async () => {
    const mixup = await ssoOrg(portal, 'MixUp', ['mixup-sso.example'], am);
    await configure(mixup, idp.issuer.replace('127.0.0.1', 'localhost')).expect(200);
    const res = await request(portal.url)
      .get(`/auth/sso/start?organization=${mixup.slug}`)
      .expect(401);
    expect(res.body.code).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/is not the configured/);
  });

  it('refuses an ID token whose signature does not verify', async () => {
    const forged = await ssoOrg(
      portal,
      'Forged',
      ['acme-sso.example'.replace('acme', 'forged')],
      am,
    );
    await configure(forged, forger.issuer).expect(200);
    const start = await request(portal.url)
      .get(`/auth/sso/start?organization=${forged.slug}&login_hint=alice`)
      .expect(303);
    const url = await browseToCallback(start.headers.location, portal.url);
    expect((await callback(url).expect(401)).body.code).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/signature/i);
  });

  it('refuses an address outside the verified domains, and an unverified claim', async () => {
    expect((await callback(await signIn(acme, 'mallory')).expect(403)).body.code).toBe(
      'sso_email_domain_not_verified',
    );
    // claimed but not verified by staff: not enough
    await request(portal.url)
      .post(`/organizations/${acme.admin.organizationId}/sso/domains`)
      .set(bearer(acme.admin))
      .send({ domain: 'elsewhere.example' })
      .expect(201);
    expect((await callback(await signIn(acme, 'mallory')).expect(403)).body.code).toBe(
      'sso_email_domain_not_verified',
    );
  });

  it('finds the organisation from a verified e-mail domain', async () => {
    const start = await request(portal.url)
      .get('/auth/sso/start?email=alice@acme-sso.example')
      .expect(303);
    expect(start.headers.location.startsWith(idp.issuer)).toBe(true);
    await request(portal.url).get('/auth/sso/start?email=someone@unknown.example').expect(404);
  });

  it('refuses password login to the organisation once SSO is required; staff keep their password', async () => {
    await request(portal.url)
      .post('/auth/login')
      .send({ email: 'admin@acmesso-signup.example', password: DEMO_TEST_PASSWORD })
      .expect(200);
    await configure(acme, idp.issuer, { ssoRequired: true }).expect(200);
    const refused = await request(portal.url)
      .post('/auth/login')
      .send({ email: 'admin@acmesso-signup.example', password: DEMO_TEST_PASSWORD })
      .expect(403);
    expect(refused.body.code).toBe('sso_required');
    await request(portal.url)
      .post('/auth/login')
      .send({ email: 'am@velvet.test', password: DEMO_TEST_PASSWORD })
      .expect(200);
    // and SSO itself still works
    await callback(await signIn(acme, 'alice')).expect(303);
    await configure(acme, idp.issuer, { ssoRequired: false }).expect(200);
  });

  it('keeps a domain to one organisation', async () => {
    const other = await ssoOrg(portal, 'Grabby', [], am);
    const res = await request(portal.url)
      .post(`/organizations/${other.admin.organizationId}/sso/domains`)
      .set(bearer(other.admin))
      .send({ domain: 'acme-sso.example' })
      .expect(409);
    expect(res.body.code).toBe('sso_domain_claimed');
  });
});
