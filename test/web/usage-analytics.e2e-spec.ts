import { randomUUID } from 'node:crypto';
import { RefusalRecorder } from '@velvet/metering';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../../scripts/seed/seed-catalog';
import { bearer, DEMO_TEST_PASSWORD, signUp, type Session } from '../support/http';
import { openPersona, screenshot, signIn, type Persona } from './support/browser';
import { checkPageState } from './support/page-checks';
import { startWebStack, type WebStack } from './support/stack';

jest.setTimeout(300_000);

/** The analytics page shows its figures as text: totals, a label on every bar, and a table beside the chart. */
describe('web portal: usage analytics', () => {
  let stack: WebStack;
  let admin: Persona;
  let session: Session;
  const email = `admin@usage-${randomUUID().slice(0, 6)}.example`;

  beforeAll(async () => {
    stack = await startWebStack();
    const db = stack.portal.app.get(DataSource);
    await seedCatalog(db);
    session = await signUp(stack.portal, 'Usage Co', email);
    const orgId = session.organizationId!;
    const key = await request(stack.url)
      .post(`/organizations/${orgId}/api-keys`)
      .set(bearer(session))
      .send({ name: 'nightly-batch' })
      .expect(201);
    const [model] = await db.query(`SELECT id FROM models WHERE slug = 'velvet-lite-1'`);
    // three billed calls yesterday ($1.234567 in all) and one today, as the usage ingest writes them
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
                                  cost_micros, currency, latency_ms, status, occurred_at)
       SELECT gen_random_uuid()::text, $1, $2, $3, 'standard', 1000, 500, c, 'USD', 10, 'succeeded', t
         FROM (VALUES (1000000::bigint, $4::timestamptz), (200000, $4), (34567, $4), (5000, now())) AS v(c, t)`,
      [orgId, key.body.id, model.id, yesterday],
    );
    const refusals = new RefusalRecorder(db);
    for (let i = 0; i < 3; i++)
      refusals.refused({
        organizationId: orgId,
        apiKeyId: key.body.id,
        modelId: model.id,
        reason: 'rate_limit_exceeded',
      });
    await refusals.flush();
    admin = await openPersona();
  });
  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  });

  it('opens from the menu and reads the figures without hovering', async () => {
    const page = admin.page;
    await signIn(page, stack.url, email, DEMO_TEST_PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Usage analytics' })
      .click();
    await page.getByRole('heading', { name: 'Usage analytics' }).waitFor();

    const totals = page.getByRole('region', { name: 'Usage totals' });
    await totals.waitFor();
    expect(await totals.locator('[data-figure="Cost"]').textContent()).toBe('$1.24');
    expect(await totals.locator('[data-figure="Requests"]').textContent()).toBe('4');
    expect(await totals.locator('[data-figure="Refused"]').textContent()).toBe('3');

    // the chart labels its bars: yesterday's bar reads $1.23 in the SVG itself
    const chart = page.getByRole('figure', { name: 'Usage chart: cost' });
    await chart.locator('.recharts-label-list text', { hasText: '$1.23' }).first().waitFor();
    // and the table beside it has the exact row
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const row = page
      .getByRole('table', { name: 'Usage per period' })
      .getByRole('row', { name: new RegExp(yesterday) });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      yesterday,
      '3',
      '3,000',
      '1,500',
      '$1.23',
      '0',
    ]);

    await page
      .getByRole('table', { name: 'Refusals by reason' })
      .getByRole('cell', { name: '3' })
      .waitFor();
    await page
      .getByRole('table', { name: 'Usage by model and key' })
      .getByRole('cell', { name: 'nightly-batch' })
      .waitFor();
    await checkPageState(page, 'usage analytics, one key');
    await screenshot(page, 'usage-analytics');

    // per hour, by key: the same figures, bucketed and labelled by the key's name
    await page.getByRole('combobox', { name: /Points per/ }).selectOption('hour');
    await page.getByLabel('From', { exact: true }).fill(yesterday);
    await page.getByRole('combobox', { name: /Group by/ }).selectOption('key');
    await page
      .getByRole('table', { name: 'Usage per period' })
      .getByRole('cell', { name: 'nightly-batch' })
      .first()
      .waitFor();
  });
});
