import { Role } from '@velvet/access';
import { ApiKeysService } from '@velvet/api-keys';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createStaff, DEMO_TEST_PASSWORD } from '../support/http';
import { tokenMailedTo } from '../support/mail';
import { openPersona, phoneScreenshot, screenshot, signIn, type Persona } from './support/browser';
import { checkPageState } from './support/page-checks';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(300_000);

describe('web portal: organisation admin and platform admin basics', () => {
  let stack: WebStack;
  let admin: Persona;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await openPersona();
  });
  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  it('serves the portal under /app, redirects / there, and keeps API routes and API 404s as JSON', async () => {
    const root = await fetch(`${stack.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/');
    const deep = await fetch(`${stack.url}/app/keys`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const me = await fetch(`${stack.url}/auth/me`);
    expect(me.status).toBe(401);
    const missing = await fetch(`${stack.url}/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });

  it('sends strict security headers, and neither builds nor serves source maps', async () => {
    const page = await fetch(`${stack.url}/app/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-powered-by')).toBeNull();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(await page.text())![1];
    const js = await fetch(`${stack.url}${script}`);
    expect(await js.text()).not.toContain('sourceMappingURL');
    expect((await fetch(`${stack.url}${script}.map`)).status).toBe(404);
    const api = await fetch(`${stack.url}/health`);
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(api.headers.get('x-powered-by')).toBeNull();
  });

  it('serves hashed assets compressed and cached for good, index.html revalidated, code split per page', async () => {
    const index = await fetch(`${stack.url}/app/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const entry = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)![1];
    const br = await fetch(`${stack.url}${entry}`, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const gz = await fetch(`${stack.url}${entry}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const plain = await fetch(`${stack.url}${entry}`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    // the entry no longer carries every page: each page is a chunk of its own, loaded on demand
    const source = await plain.text();
    expect(source.length).toBeLessThan(450_000);
    expect(source).toMatch(/assets\/dashboard-page-[\w-]+\.js/);
    // a deep link falls back to index.html, which is never cached
    const deep = await fetch(`${stack.url}/app/keys`);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
  });

  it('signs up, shows a bad login clearly, creates a key shown once, revokes it, invites and promotes a member', async () => {
    const { page } = admin;
    await page.goto(`${stack.url}/app/`);
    await page.getByLabel('Email').fill('nobody@acme.example');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('401');
    await checkPageState(page, 'sign-in with a bad password');

    await page.getByRole('button', { name: /Sign up your organisation/ }).click();
    await page.getByLabel('Organisation name').fill('Acme Web');
    await page.getByLabel('Your name').fill('Alice Admin');
    await page.getByLabel('Email').fill('alice@acme-web.example');
    await page.getByLabel('Password').fill(DEMO_TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.title()).toBe('Dashboard · Velvet Rope');
    await checkPageState(page, 'new organisation dashboard');

    // no key before the address is confirmed, through the link mailed to it
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText(/Confirm your sign-up address first/).waitFor();
    expect(await page.title()).toBe('API keys · Velvet Rope');
    await checkPageState(page, 'API keys before the address is confirmed');
    const db = stack.portal.app.get(DataSource);
    await page.goto(
      `${stack.url}/app/verify-email?token=${await tokenMailedTo(db, 'alice@acme-web.example')}`,
    );
    await checkPageState(page, 'confirm e-mail');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('link', { name: 'Go to API keys' }).click();
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Key name').fill('support-bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByLabel('New API key').textContent())!.trim();
    expect(key).toMatch(/^vr_[a-z0-9]{12}_/);
    // The key the UI showed is a real, working key.
    expect(await stack.portal.app.get(ApiKeysService).authenticate(key)).toBeTruthy();
    await checkPageState(page, 'API key shown once');
    await screenshot(page, 'org-api-keys');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('New API key').count()).toBe(0);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke support-bot' }).click();
    await page.getByText('revoked', { exact: true }).waitFor();
    expect(await stack.portal.app.get(ApiKeysService).authenticate(key)).toBeNull();

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Email to invite').fill('bob@acme-web.example');
    await page.getByLabel('Role', { exact: true }).selectOption('org_member');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    // the link goes to Bob's mailbox only, not to the inviter's screen
    await page.getByText(/sent to that address/).waitFor();
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    await pending.getByText('bob@acme-web.example').waitFor();
    await checkPageState(page, 'members after an invitation');
    // re-inviting resends (one link per address); resend kills the old link; revoke removes it
    const firstLink = await tokenMailedTo(db, 'bob@acme-web.example');
    await page.getByRole('button', { name: 'Resend invitation to bob@acme-web.example' }).click();
    await page.getByText(/A new link was mailed/).waitFor();
    expect(await tokenMailedTo(db, 'bob@acme-web.example')).not.toBe(firstLink);
    await page.getByLabel('Email to invite').fill('carol@acme-web.example');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await pending.getByText('carol@acme-web.example').waitFor();
    await page.getByLabel('Email to invite').fill('carol@acme-web.example');
    await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
    await page.getByText(/Invitation for carol@acme-web.example/).waitFor();
    expect(await pending.getByText('carol@acme-web.example').count()).toBe(1);
    await page.getByRole('button', { name: 'Revoke invitation to carol@acme-web.example' }).click();
    await page.getByText(/Invitation revoked/).waitFor();
    // the list refetches after the notice: wait for the row to go before counting
    await pending.getByText('carol@acme-web.example').waitFor({ state: 'detached' });
    expect(await pending.getByText('carol@acme-web.example').count()).toBe(0);
    const carol = await request(stack.url)
      .post('/auth/invitations/accept')
      .send({
        token: await tokenMailedTo(db, 'carol@acme-web.example'),
        displayName: 'Carol',
        password: DEMO_TEST_PASSWORD,
      });
    expect(carol.status).toBeGreaterThanOrEqual(400);
    expect(carol.status).toBeLessThan(500);
    const bob = await openPersona();
    try {
      await bob.page.goto(
        `${stack.url}/app/accept?token=${await tokenMailedTo(db, 'bob@acme-web.example')}`,
      );
      await bob.page.getByLabel('Your name').fill('Bob');
      await bob.page.getByLabel('Choose a password').fill(DEMO_TEST_PASSWORD);
      await checkPageState(bob.page, 'accept invitation');
      await bob.page.getByRole('button', { name: 'Join organisation' }).click();
      await bob.page.getByText('Acme Web', { exact: true }).waitFor();
      // the new member lands on a page of theirs, with a welcome, not "Page not found"
      await bob.page.getByText(/Welcome to Acme Web/).waitFor();
      expect(await bob.page.getByText('Page not found').count()).toBe(0);
      expect(await bob.page.getByText(/HTTP 403/).count()).toBe(0);
      expect(await bob.page.getByRole('alert').count()).toBe(0);
      await checkPageState(bob.page, 'new member landing');
    } finally {
      await bob.close();
    }
    await page.reload();
    await page.getByLabel('Role of bob@acme-web.example').selectOption('org_admin');
    await page.waitForResponse(
      (r) => r.url().includes('/members') && r.request().method() === 'GET',
    );
    await page.reload();
    expect(await page.getByLabel('Role of bob@acme-web.example').inputValue()).toBe('org_admin');
    // sortable columns: by email, descending puts bob above alice
    await page.getByRole('button', { name: /^Email/ }).click();
    await page.getByRole('button', { name: /^Email/ }).click();
    await page.locator('th[aria-sort="descending"]').waitFor();
    const emails = await page.getByRole('cell', { name: /@acme-web\.example$/ }).allTextContents();
    expect(emails).toEqual(['bob@acme-web.example', 'alice@acme-web.example']);
    await checkPageState(page, 'members');
    await screenshot(page, 'org-members');
    await phoneScreenshot(page, 'org-members');
  });

  it('hides staff pages from customers and shows staff accounts to a platform admin', async () => {
    expect(await admin.page.getByRole('link', { name: 'Staff accounts' }).count()).toBe(0);
    await createStaff(stack.portal, Role.PlatformAdmin, 'root@velvet-web.example');
    const pa = await openPersona();
    try {
      await signIn(pa.page, stack.url, 'root@velvet-web.example', DEMO_TEST_PASSWORD);
      expect(await pa.page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
      await pa.page.getByRole('link', { name: 'Staff accounts' }).click();
      // The router keeps the previous page (the catalog, whose "Display name" also matches "Name")
      // on screen while the staff page's chunk loads: fill the staff form only, once it is there.
      const form = pa.page.getByRole('form', { name: 'Create staff account' });
      await form.waitFor();
      await form.getByLabel('Name', { exact: true }).fill('Ann Manager');
      await form.getByLabel('Email', { exact: true }).fill('ann@velvet-web.example');
      await form.getByLabel('Initial password').fill(DEMO_TEST_PASSWORD);
      await form.getByLabel('Role', { exact: true }).selectOption('account_manager');
      await form.getByRole('button', { name: 'Create staff account' }).click();
      await pa.page.getByRole('cell', { name: 'ann@velvet-web.example' }).waitFor();
      await checkPageState(pa.page, 'staff accounts');
      await screenshot(pa.page, 'platform-staff');
    } finally {
      await pa.close();
    }
  });
});
