import { Role } from '@velvet/access';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../../scripts/seed/seed-catalog';
import { bearer, createStaff, DEMO_TEST_PASSWORD, signUp } from '../support/http';
import { tokenMailedTo } from '../support/mail';
import { openPersona, screenshot, signIn, type Persona } from './support/browser';
import { checkPageState } from './support/page-checks';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(180_000);

describe('web portal: contract review round trip, bad input, sessions, what each role sees', () => {
  let stack: WebStack;
  let org: Persona;
  let am: Persona;

  beforeAll(async () => {
    stack = await startWebStack();
    await seedCatalog(stack.portal.app.get(DataSource));
    await createStaff(stack.portal, Role.AccountManager, 'am@velvet-review.example');
    await signUp(stack.portal, 'Globex Review', 'admin@globex-review.example');
    org = await openPersona();
    am = await openPersona();
    await signIn(org.page, stack.url, 'admin@globex-review.example', DEMO_TEST_PASSWORD);
    await signIn(am.page, stack.url, 'am@velvet-review.example', DEMO_TEST_PASSWORD);
  });
  afterAll(async () => {
    await org?.close();
    await am?.close();
    await stack?.close();
  });

  it('shows bad contract input clearly and changes nothing', async () => {
    const { page } = org;
    await page.getByRole('link', { name: 'Contracts' }).click();
    await page.getByLabel('Minimum spend per period (USD)').fill('lots');
    await page.getByRole('button', { name: 'Submit contract request' }).click();
    await page
      .getByRole('alert')
      .getByText(/amount in USD/)
      .waitFor();
    await page.getByLabel('Minimum spend per period (USD)').fill('20000');
    await page.getByLabel('Term start').fill('2030-01-01');
    await page.getByLabel('Term end').fill('2029-01-01');
    await page.getByRole('button', { name: 'Submit contract request' }).click();
    await page
      .getByRole('alert')
      .getByText(/termEnd must not be before termStart.*HTTP 4\d\d/)
      .waitFor();
    await page.getByText('No contracts yet').waitFor();
  });

  it('an account manager requests changes with a reason, the customer amends and resubmits, the manager rejects', async () => {
    await org.page.getByLabel('Term start').fill(new Date().toISOString().slice(0, 10));
    await org.page.getByLabel('Term end').fill('2031-12-31');
    await org.page.getByLabel(/^Keep prompt and completion texts/).fill('30');
    await org.page.getByRole('button', { name: 'Submit contract request' }).click();
    await org.page.getByRole('cell', { name: 'submitted' }).waitFor();

    await am.page.reload();
    await am.page.getByRole('button', { name: /^Review premium contract/ }).click();
    const panel = am.page.getByRole('region', { name: 'Contract review' });
    await panel.getByText('One approval needed.').waitFor();
    await panel.getByText(/Texts kept 30 days/).waitFor();
    await checkPageState(am.page, 'review panel, one approval needed');
    expect(await panel.getByRole('button', { name: 'Reject' }).isDisabled()).toBe(true);
    await panel.getByLabel(/^Reason/).fill('Please commit for a full year per period');
    await panel.getByRole('button', { name: 'Request changes' }).click();
    await panel.getByText(/Returned for changes/).waitFor();
    await am.page.getByText('Nothing here.', { exact: false }).waitFor();

    await org.page.reload();
    await org.page.getByRole('cell', { name: 'changes requested' }).waitFor();
    await org.page.getByRole('button', { name: 'History' }).click();
    await org.page.getByText('“Please commit for a full year per period”').waitFor();
    await checkPageState(org.page, 'contract returned for changes');
    await org.page.getByRole('button', { name: 'Amend' }).click();
    const amend = org.page.getByRole('form', { name: 'Amend contract request' });
    await amend.getByLabel('Period (months)').fill('12');
    await amend.getByRole('button', { name: 'Resubmit request' }).click();
    await org.page.getByRole('cell', { name: 'submitted' }).waitFor();
    expect(await org.page.getByRole('cell', { name: '$20,000.00 / 12 mo' }).count()).toBe(1);

    await am.page.reload();
    await am.page.getByRole('button', { name: /^Review premium contract/ }).click();
    await panel.getByLabel(/^Reason/).fill('Insufficient standard-tier history');
    await panel.getByRole('button', { name: 'Reject' }).click();
    const reject = am.page.getByRole('dialog', { name: /^Reject .*'s contract request\?$/ });
    expect(await reject.textContent()).toContain('“Insufficient standard-tier history”');
    await checkPageState(am.page, 'reject confirmation');
    await reject.getByRole('button', { name: 'Reject' }).click();
    await panel.getByText(/Rejected/).waitFor();
    await org.page.reload();
    await org.page.getByRole('cell', { name: 'rejected' }).waitFor();
    await checkPageState(org.page, 'contract rejected');
    await screenshot(org.page, 'org-contract-rejected');
  });

  it('keeps no token where a script can read it, restores the session from the httpOnly cookie, and ends it at sign-out', async () => {
    const { page, context } = org;
    // nothing in storage; the refresh token is a cookie scripts cannot see
    expect(await page.evaluate<number>('localStorage.length + sessionStorage.length')).toBe(0);
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'vr_refresh');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('vr_refresh');
    // a reload loses the in-memory access token; the cookie brings the session back
    await page.reload();
    await page.getByRole('heading', { name: 'Contracts' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // the access token the page holds, seen on the wire, dies with the sign-out at once
    const seen = page.waitForRequest((r) => r.url().endsWith('/auth/me'));
    await page.reload();
    const bearer = (await seen).headers().authorization;
    expect(bearer).toMatch(/^Bearer /);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const after = await fetch(`${stack.url}/auth/me`, { headers: { Authorization: bearer } });
    expect(after.status).toBe(401);
    expect((await context.cookies()).filter((c) => c.name === 'vr_refresh')).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, stack.url, 'admin@globex-review.example', DEMO_TEST_PASSWORD);
  });

  it('hides what the API would refuse: a member sees no keys, contracts or member admin; staff see no customer pages', async () => {
    const admin = await request(stack.url)
      .post('/auth/login')
      .send({ email: 'admin@globex-review.example', password: DEMO_TEST_PASSWORD })
      .expect(200);
    const session = {
      token: admin.body.accessToken,
      userId: admin.body.user.id,
      organizationId: admin.body.user.organizationId,
    };
    await request(stack.url)
      .post(`/organizations/${session.organizationId}/invitations`)
      .set(bearer(session))
      .send({ email: 'member@globex-review.example', role: Role.OrgMember })
      .expect(201);
    await request(stack.url)
      .post('/auth/invitations/accept')
      .send({
        token: await tokenMailedTo(
          stack.portal.app.get(DataSource),
          'member@globex-review.example',
        ),
        displayName: 'Mo Member',
        password: DEMO_TEST_PASSWORD,
      })
      .expect(201);
    const member = await openPersona();
    try {
      await signIn(member.page, stack.url, 'member@globex-review.example', DEMO_TEST_PASSWORD);
      const nav = member.page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual([
        'Dashboard',
        'Spend',
        'Usage analytics',
        'Members',
      ]);
      await nav.getByRole('link', { name: 'Members' }).click();
      await member.page.getByRole('cell', { name: 'member@globex-review.example' }).waitFor();
      await checkPageState(member.page, 'member sees the members list');
      expect(await member.page.getByRole('form', { name: 'Invite member' }).count()).toBe(0);
      expect(await member.page.getByRole('combobox').count()).toBe(0);
    } finally {
      await member.close();
    }
    const nav = am.page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Contract queue',
      'Commitments',
    ]);
  });
});
