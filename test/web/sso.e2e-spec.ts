/**
 * Single sign-on in the browser: the org admin sets up OpenID Connect on the Single sign-on page, and a
 * colleague signs in through a real OpenID provider (oidc-provider), ending signed in to the portal
 * like after a password login (session restored from the refresh cookie).
 */
import request from 'supertest';
import { bearer, DEMO_TEST_PASSWORD } from '../support/http';
import { startOidcIdp, type RunningOidcIdp } from '../support/oidc-idp';
import { accountManager, ssoOrg, type SsoOrg } from '../support/sso-fixtures';
import { openPersona, screenshot, signIn, type Persona } from './support/browser';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(180_000);

describe('web portal: single sign-on', () => {
  let stack: WebStack;
  let idp: RunningOidcIdp;
  let org: SsoOrg;
  let admin: Persona;
  let colleague: Persona;

  beforeAll(async () => {
    stack = await startWebStack();
    idp = await startOidcIdp({
      clientId: 'velvet-web',
      clientSecret: 'web-client-secret',
      redirectUri: `${stack.url}/auth/sso/oidc/callback`,
      accounts: {
        'ana@initech-web.example': { email: 'ana@initech-web.example', name: 'Ana Initech' },
      },
    });
    org = await ssoOrg(stack.portal, 'InitechWeb', [], await accountManager(stack.portal));
    admin = await openPersona();
    colleague = await openPersona();
  });
  afterAll(async () => {
    await admin?.close();
    await colleague?.close();
    await idp?.close();
    await stack?.close();
  });

  it('lets the org admin claim a domain and set up the identity provider', async () => {
    const { page } = admin;
    await signIn(page, stack.url, 'admin@initechweb-signup.example', DEMO_TEST_PASSWORD);
    await page.getByRole('link', { name: 'Single sign-on' }).click();
    await page.getByRole('textbox', { name: 'Domain', exact: true }).fill('initech-web.example');
    await page.getByRole('button', { name: 'Claim domain' }).click();
    await page.getByText('Waiting for verification').waitFor();
    await page.getByLabel('Issuer URL').fill(idp.issuer);
    await page.getByLabel('Client ID').fill('velvet-web');
    await page.getByLabel(/Client secret/).fill('web-client-secret');
    await page.getByRole('button', { name: 'Save identity provider' }).click();
    await page.getByText('(set; leave empty to keep it)').waitFor();
    expect(await page.content()).not.toContain('web-client-secret');
    // a provisioning token, shown once
    await page.getByLabel('Token name').fill('Okta');
    await page.getByRole('button', { name: 'Make token' }).click();
    await page.getByText('shown once, copy it now').waitFor();
    await page.getByRole('button', { name: 'Revoke Okta' }).waitFor();
    await screenshot(page, 'sso-settings');
  });

  it('signs a colleague in through the OpenID provider into a portal session', async () => {
    // the account manager confirms the domain, as in life
    const am = await request(stack.url)
      .post('/auth/login')
      .send({ email: 'am@velvet.test', password: DEMO_TEST_PASSWORD })
      .expect(200);
    await request(stack.url)
      .post(`/organizations/${org.admin.organizationId}/sso/domains/initech-web.example/verify`)
      .set(bearer({ token: am.body.accessToken, userId: '', organizationId: null }))
      .expect(200);
    const { page } = colleague;
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click();
    await page.getByLabel('Work email').fill('ana@initech-web.example');
    await page.getByRole('button', { name: 'Continue to your identity provider' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // a reload keeps the session (refresh cookie), exactly as after a password login
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).toContain('/app/');
  });
});
