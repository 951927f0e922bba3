/**
 * SAML 2.0: an IdP test double with its own key and certificate signs real
 * assertions (xml-crypto); the portal checks them with node-saml. Refused: a wrong issuer, a bad
 * signature, a replayed response, an expired assertion, an address outside the verified domains.
 */
import { Role } from '@velvet/access';
import request from 'supertest';
import { bearer, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import {
  makeSamlIdp,
  requestIdOf,
  samlResponse,
  type AssertionOptions,
  type SamlIdpDouble,
} from './support/saml-idp';
import { accountManager, sessionFromCallback, ssoOrg, type SsoOrg } from './support/sso-fixtures';

describe('single sign-on: SAML 2.0', () => {
  let portal: RunningPortal;
  let idp: SamlIdpDouble;
  let impostor: SamlIdpDouble;
  let am: Session;
  let globex: SsoOrg;
  const logLines: string[] = [];
  const lastReason = () =>
    logLines
      .map((l) => JSON.parse(l) as { msg?: string; reason?: string })
      .filter((e) => e.msg === 'sso response rejected')
      .pop()?.reason;

  /** Starts a sign-in at the portal: the RelayState and the AuthnRequest ID the IdP answers. */
  async function start() {
    const res = await request(portal.url)
      .get(`/auth/sso/start?organization=${globex.slug}`)
      .expect(303);
    const redirect = new URL(res.headers.location);
    expect(redirect.origin + redirect.pathname).toBe(idp.entryPoint);
    return {
      relayState: redirect.searchParams.get('RelayState')!,
      requestId: requestIdOf(redirect),
    };
  }

  async function post(
    overrides: Partial<AssertionOptions> & { email: string },
    started?: { relayState: string; requestId: string },
  ) {
    const { relayState, requestId } = started ?? (await start());
    const SAMLResponse = samlResponse({
      idp,
      audience: `${portal.url}/auth/sso/saml/${globex.admin.organizationId}/metadata`,
      acsUrl: `${portal.url}/auth/sso/saml/acs`,
      inResponseTo: requestId,
      ...overrides,
    });
    return request(portal.url)
      .post('/auth/sso/saml/acs')
      .type('form')
      .send({ SAMLResponse, RelayState: relayState });
  }

  /** The portal's answer, with its status checked (and the body shown when it is not the expected one). */
  const sent = async (pending: Promise<request.Response>, status: number) => {
    const res = await pending;
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
    return res;
  };

  beforeAll(async () => {
    portal = await startPortal(
      { LOG_LEVEL: 'info' },
      { write: (line: string) => void logLines.push(line) },
    );
    idp = await makeSamlIdp();
    impostor = await makeSamlIdp();
    am = await accountManager(portal);
    globex = await ssoOrg(portal, 'GlobexSaml', ['globex-saml.example'], am);
    await request(portal.url)
      .put(`/organizations/${globex.admin.organizationId}/sso`)
      .set(bearer(globex.admin))
      .send({
        protocol: 'saml',
        issuer: idp.entityId,
        samlEntryPoint: idp.entryPoint,
        samlIdpCert: idp.cert,
        defaultRole: Role.OrgMember,
        groupRoles: { 'Globex Admins': Role.OrgAdmin },
      })
      .expect(200);
  });
  afterAll(() => portal?.close());

  it('publishes service-provider metadata', async () => {
    const res = await request(portal.url)
      .get(`/auth/sso/saml/${globex.admin.organizationId}/metadata`)
      .expect(200);
    expect(res.text).toContain(`${portal.url}/auth/sso/saml/acs`);
  });

  it('signs in a new person just in time, into the session a password login gets', async () => {
    const res = await sent(post({ email: 'carol@globex-saml.example' }), 303);
    expect(res.headers.location).toBe('/');
    const { user } = await sessionFromCallback(portal, res);
    expect(user).toMatchObject({
      email: 'carol@globex-saml.example',
      role: Role.OrgMember,
      organizationId: globex.admin.organizationId,
    });
  });

  it('maps the groups attribute to a role', async () => {
    const { user } = await sessionFromCallback(
      portal,
      await sent(post({ email: 'dave@globex-saml.example', groups: ['Globex Admins'] }), 303),
    );
    expect(user.role).toBe(Role.OrgAdmin);
  });

  it('refuses a replayed response', async () => {
    const started = await start();
    const first = await sent(post({ email: 'carol@globex-saml.example' }, started), 303);
    expect(first.headers.location).toBe('/');
    expect((await sent(post({ email: 'carol@globex-saml.example' }, started), 401)).body.code).toBe(
      'sso_state_invalid',
    );
  });

  it('refuses an assertion from another issuer', async () => {
    expect(
      (
        await sent(
          post({ email: 'carol@globex-saml.example', issuer: 'https://evil.example.test/saml' }),
          401,
        )
      ).body.code,
    ).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/is not the configured IdP/);
  });

  it('refuses an assertion signed with another key', async () => {
    expect(
      (await sent(post({ email: 'carol@globex-saml.example', signingKey: impostor.key }), 401)).body
        .code,
    ).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/signature/i);
  });

  it('refuses an expired assertion', async () => {
    const res = await sent(
      post({
        email: 'carol@globex-saml.example',
        notOnOrAfter: new Date(Date.now() - 10 * 60_000),
      }),
      401,
    );
    expect(res.body.code).toBe('sso_assertion_rejected');
    // node-saml checks the bearer confirmation's NotOnOrAfter first, then the Conditions window
    expect(lastReason()).toMatch(/subject confirmation|expired|NotOnOrAfter/i);
  });

  it('refuses an answer to a request it did not make', async () => {
    const started = await start();
    const res = await sent(
      post(
        { email: 'carol@globex-saml.example' },
        { ...started, requestId: '_someone-elses-request' },
      ),
      401,
    );
    expect(res.body.code).toBe('sso_assertion_rejected');
    expect(lastReason()).toMatch(/InResponseTo/i);
  });

  it('refuses an address outside the verified domains', async () => {
    expect((await sent(post({ email: 'eve@not-globex.example' }), 403)).body.code).toBe(
      'sso_email_domain_not_verified',
    );
  });

  it('refuses a form post without a known RelayState', async () => {
    const res = await request(portal.url)
      .post('/auth/sso/saml/acs')
      .type('form')
      .send({ SAMLResponse: 'x', RelayState: 'nope' })
      .expect(401);
    expect(res.body.code).toBe('sso_state_invalid');
  });
});
