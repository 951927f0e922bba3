/**
 * Teams and limits in the browser: the org admin makes a team, sets the organisation's, the team's
 * and a key's limits, moves a key into the team, rotates its secret, sets the budget webhook and
 * maps a SCIM group the IdP pushed to the team; the API then holds exactly what the page said.
 */
import request from 'supertest';
import { bearer, DEMO_TEST_PASSWORD, signUp } from '../support/http';
import { openPersona, screenshot, signIn, type Persona } from './support/browser';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(180_000);

describe('web portal: teams and limits', () => {
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

  it('sets limits per organisation, team and key, and rotates a key', async () => {
    const email = 'admin@teams-web.example';
    const session = await signUp(stack.portal, 'TeamsWeb', email);
    const org = `/organizations/${session.organizationId}`;
    const key = (
      await request(stack.url).post(`${org}/api-keys`).set(bearer(session)).send({ name: 'bot' })
    ).body as { id: string };
    const scimToken = (
      await request(stack.url)
        .post(`${org}/scim-tokens`)
        .set(bearer(session))
        .send({ name: 'IdP' })
        .expect(201)
    ).body.token as string;
    const group = (
      await request(stack.url)
        .post('/scim/v2/Groups')
        .set('authorization', `Bearer ${scimToken}`)
        .set('content-type', 'application/scim+json')
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Helpdesk' })
        .expect(201)
    ).body as { id: string };
    const { page } = admin;
    await signIn(page, stack.url, email, DEMO_TEST_PASSWORD);
    await page.getByRole('link', { name: 'Teams and limits' }).click();
    await page.getByLabel('Team name').fill('Support');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('button', { name: 'Delete Support' }).waitFor();

    const orgForm = page.getByRole('form', { name: 'Limits of Organisation' });
    await orgForm.getByLabel('Requests / min').fill('100');
    await orgForm.getByLabel('Monthly cap (USD)').fill('5.25');
    await orgForm.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Remove limits' }).first().waitFor();

    const teamForm = page.getByRole('form', { name: 'Limits of Team Support' });
    await teamForm.getByLabel('Requests / min').fill('500');
    await teamForm.getByRole('button', { name: 'Save' }).click();
    await teamForm.getByText(/exceeds the organisation's own limit/).waitFor();
    await teamForm.getByLabel('Requests / min').fill('40');
    await teamForm.getByRole('button', { name: 'Save' }).click();
    await teamForm.getByRole('status').waitFor();

    const card = page.getByRole('region', { name: 'Key bot' });
    const teamSelect = card.getByLabel('Team');
    await teamSelect.selectOption({ label: 'Support' });
    // the select is controlled: it shows Support once the key's team is saved and the keys re-read,
    // which re-renders the card, so its limits are edited only after that
    await page.waitForFunction(
      (select) =>
        (select as unknown as { selectedOptions: { textContent: string | null }[] })
          .selectedOptions[0]?.textContent === 'Support',
      await teamSelect.elementHandle(),
    );
    const keyForm = page.getByRole('form', { name: 'Limits of Key bot' });
    await keyForm.getByLabel('Tokens / min').fill('20000');
    await keyForm.getByRole('button', { name: 'Save' }).click();
    await keyForm.getByRole('status').waitFor();
    await card.getByRole('button', { name: 'Rotate secret of bot' }).click();
    await page.getByText('The previous one works until').waitFor();

    await page.getByLabel('Webhook URL').fill('https://ops.teams-web.example/budget');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText(/Signing secret \(shown once/).waitFor();
    await page.getByLabel('Team of group Helpdesk').selectOption({ label: 'Support' });
    await screenshot(page, 'teams-limits');

    const limits = (await request(stack.url).get(`${org}/limits`).set(bearer(session))).body;
    expect(limits.organization).toMatchObject({
      requestsPerMinute: 100,
      spendCapMicros: '5250000',
    });
    expect(limits.teams[0]).toMatchObject({ requestsPerMinute: 40 });
    expect(limits.apiKeys[0]).toMatchObject({ apiKeyId: key.id, tokensPerMinute: 20000 });
    const keys = (await request(stack.url).get(`${org}/api-keys`).set(bearer(session))).body as {
      id: string;
      teamId: string | null;
      previousValidUntil: string | null;
    }[];
    expect(keys[0].teamId).toBe(limits.teams[0].teamId);
    expect(keys[0].previousValidUntil).not.toBeNull();
    const groups = async () =>
      (await request(stack.url).get(`${org}/scim-groups`).set(bearer(session))).body as {
        id: string;
        teamId: string | null;
      }[];
    for (let i = 0; i < 100 && (await groups())[0]?.teamId !== limits.teams[0].teamId; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await groups()).toMatchObject([{ id: group.id, teamId: limits.teams[0].teamId }]);
  });
});
