import { DataSource } from 'typeorm';
import { addMember, DEMO_TEST_PASSWORD, signUp } from '../support/http';
import { openPersona, signIn, type Persona } from './support/browser';
import { checkPageState } from './support/page-checks';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(120_000);

/** The org admin sets the browser origins (CORS) the gateway allows for the organisation's keys; members do not see the form. */
describe('web portal: browser origins (CORS)', () => {
  let stack: WebStack;
  let persona: Persona;

  beforeAll(async () => {
    stack = await startWebStack();
    persona = await openPersona();
  });
  afterAll(async () => {
    await persona?.close();
    await stack?.close();
  });

  it('saves the allowed origins from the API keys page, shows a refused one, and hides the form from members', async () => {
    const admin = await signUp(stack.portal, 'Origin Co', 'admin@origin.example');
    await addMember(stack.portal, admin, 'member@origin.example');
    const { page } = persona;
    await signIn(page, stack.url, 'admin@origin.example', DEMO_TEST_PASSWORD);
    await page.goto(`${stack.url}/app/keys`);
    const origins = page.getByLabel(/Browser origins allowed/);
    await origins.fill('https://app.origin.example\nhttp://localhost:5173');
    await page.getByRole('button', { name: 'Save origins' }).click();
    const db = stack.portal.app.get(DataSource);
    for (let i = 0; i < 50; i++) {
      const [row] = await db.query(
        `SELECT cors_allowed_origins AS o FROM organizations WHERE id = $1`,
        [admin.organizationId],
      );
      if (row.o.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [saved] = await db.query(
      `SELECT cors_allowed_origins AS o FROM organizations WHERE id = $1`,
      [admin.organizationId],
    );
    expect(saved.o).toEqual(['https://app.origin.example', 'http://localhost:5173']);
    await checkPageState(page, 'API keys with browser origins');

    await origins.fill('https://app.origin.example/path');
    await page.getByRole('button', { name: 'Save origins' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('origin');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, stack.url, 'member@origin.example', DEMO_TEST_PASSWORD);
    await page.goto(`${stack.url}/app/keys`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save origins' }).count()).toBe(0);
  });
});
