import { Role } from '@velvet/access';
import { tmpdir } from 'node:os';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../../scripts/seed/seed-catalog';
import { createStaff, DEMO_TEST_PASSWORD } from '../support/http';
import { tokenMailedTo } from '../support/mail';
import {
  darkScreenshot,
  openPersona,
  phoneScreenshot,
  screenshot,
  signIn,
  type Persona,
} from './support/browser';
import { checkPageState } from './support/page-checks';
import { auditCount, distill, gatewayClient, poll, spendOnStandard } from './support/journey';
import { startFullStack, type WebStack } from './support/stack';

jest.setTimeout(240_000);

/**
 * The three personas' main journeys on the real stack (portal API + web, gateway, worker), in a
 * browser: contract request and four-eyes approval, unlock by spend, premium call with a key made in
 * the UI, a distillation run caught and suspended, premium locked again.
 */
describe('web portal journeys (chromium, real stack)', () => {
  let stack: WebStack;
  let db: DataSource;
  let org: Persona;
  let key = '';
  let orgId = '';
  const email = {
    pa: 'pa@velvet-journey.example',
    am1: 'am1@velvet-journey.example',
    am2: 'am2@velvet-journey.example',
    sec: 'sec@velvet-journey.example',
  };
  const staff = async (who: keyof typeof email, run: (p: Persona) => Promise<void>) => {
    const p = await openPersona();
    try {
      await signIn(p.page, stack.url, email[who], DEMO_TEST_PASSWORD);
      await run(p);
    } catch (error) {
      // what the person saw when it failed, for whoever debugs it
      await p.page
        .screenshot({ path: `${tmpdir()}/velvet-web-failed-${who}.png`, fullPage: true })
        .catch(() => undefined);
      throw error;
    } finally {
      await p.close();
    }
  };

  beforeAll(async () => {
    stack = await startFullStack();
    db = stack.portal.app.get(DataSource);
    await seedCatalog(db);
    await createStaff(stack.portal, Role.PlatformAdmin, email.pa);
    await createStaff(stack.portal, Role.AccountManager, email.am1);
    await createStaff(stack.portal, Role.AccountManager, email.am2);
    await createStaff(stack.portal, Role.SecurityReviewer, email.sec);
    org = await openPersona();
  });
  afterAll(async () => {
    await org?.close();
    await stack?.close();
  });

  it('org admin signs up, sees what premium is missing, and requests a contract above the four-eyes amount', async () => {
    const { page } = org;
    await page.goto(`${stack.url}/app/`);
    await page.getByRole('button', { name: /Sign up your organisation/ }).click();
    await page.getByLabel('Organisation name').fill('Acme Journeys');
    await page.getByLabel('Your name').fill('Alice Admin');
    await page.getByLabel('Email').fill('alice@acme-journeys.example');
    await page.getByLabel('Password').fill(DEMO_TEST_PASSWORD);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    const why = page.getByRole('region', { name: 'Why velvet-pro-1 is locked' });
    await why.waitFor();
    expect(await why.textContent()).toMatch(
      /no contract covering this tier[\s\S]*spent 0\.00 of 10,000\.00 USD in the last 90 days; 10,000\.00 USD to go[\s\S]*not yet verified/,
    );
    expect(
      await page
        .getByRole('progressbar', { name: 'Qualifying spend for velvet-pro-1' })
        .getAttribute('aria-valuenow'),
    ).toBe('0');
    orgId = (await db.query(`SELECT id FROM organizations WHERE name = 'Acme Journeys'`))[0].id;
    await checkPageState(page, 'org dashboard, premium locked');
    await screenshot(page, 'org-dashboard-locked');
    await phoneScreenshot(page, 'org-dashboard-locked');

    await page.getByRole('link', { name: 'Contracts' }).click();
    await page.getByLabel('Premium tier').selectOption('premium');
    await page.getByLabel('Minimum spend per period (USD)').fill('150,000');
    await page.getByLabel('Period (months)').fill('3');
    await page
      .getByLabel('Notes for the account manager')
      .fill('Premium for our research assistant.');
    await page.getByRole('button', { name: 'Submit contract request' }).click();
    await page.getByRole('cell', { name: 'submitted' }).waitFor();
    expect(await page.getByRole('cell', { name: '$150,000.00 / 3 mo' }).count()).toBe(1);
    await checkPageState(page, 'org contracts, request submitted');
    await screenshot(page, 'org-contracts');
  });

  it('platform admin sets the premium unlock rule (spend threshold lowered so real calls can cross it)', async () => {
    await staff('pa', async ({ page }) => {
      await page.getByRole('link', { name: 'Model catalog' }).click();
      await page
        .getByRole('cell', { name: /Velvet Pro 1/ })
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Edit velvet-pro-long-1' }).click();
      await page
        .getByLabel('Output price of velvet-pro-long-1 (USD per million tokens)')
        .fill('24');
      await page.getByLabel('Reason for changing velvet-pro-long-1').fill('Q3 price list');
      await page.getByRole('button', { name: 'Save' }).click();
      // a price change is confirmed against a diff of the old and new prices
      const change = page.getByRole('dialog', { name: 'Change velvet-pro-long-1?' });
      expect(await change.textContent()).toMatch(/Output: \$[\d.,]+ → \$24 per million/);
      await checkPageState(page, 'price change confirmation');
      await change.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('cell', { name: '$24.00' }).waitFor();
      await checkPageState(page, 'catalog after a price change');
      const add = page.getByRole('form', { name: 'Add a model' });
      await add.getByLabel('Slug').fill('velvet-pro-2');
      await add.getByLabel('Display name').fill('Velvet Pro 2');
      await add.getByLabel('Tier').selectOption('premium');
      await add.getByLabel('Input USD / 1M tokens').fill('4');
      await add.getByLabel('Output USD / 1M tokens').fill('18');
      await add.getByRole('button', { name: 'Add model' }).click();
      await page.getByRole('cell', { name: /Velvet Pro 2/ }).waitFor();
      await checkPageState(page, 'catalog with a new model');
      await screenshot(page, 'platform-catalog');
      await phoneScreenshot(page, 'platform-catalog');
      await page.getByRole('link', { name: 'Unlock rules' }).click();
      const form = page.getByRole('form', { name: 'Unlock rule for premium' });
      await form.getByLabel('Qualifying spend (USD, 0 = none)').fill('0.05');
      await form
        .getByLabel('Reason for the change')
        .fill('Journey test: a threshold real calls can cross');
      await form.getByRole('button', { name: 'Save rule' }).click();
      const ruleChange = page.getByRole('dialog', { name: 'Change the premium unlock rule?' });
      expect(await ruleChange.textContent()).toMatch(/Qualifying spend: \$[\d,.]+ → \$0\.05/);
      await checkPageState(page, 'unlock rule change confirmation');
      await ruleChange.getByRole('button', { name: 'Save rule' }).click();
      await page.getByRole('heading', { name: /premium \(version [1-9]/ }).waitFor();
      await checkPageState(page, 'unlock rules after a change');
      await screenshot(page, 'platform-unlock-rules');
    });
  });

  it('two account managers approve it (four-eyes), one also verifies the organisation', async () => {
    await staff('am1', async ({ page }) => {
      await page.getByText('four-eyes (2)').waitFor();
      await page.getByRole('button', { name: /^Review premium contract/ }).click();
      const panel = page.getByRole('region', { name: 'Contract review' });
      await panel.getByText('Four-eyes:').waitFor();
      await checkPageState(page, 'contract review panel');
      expect(await panel.textContent()).toContain('0 of 2 recorded');
      await panel.getByRole('button', { name: 'Mark organisation verified' }).click();
      await panel.getByText('verified', { exact: true }).waitFor();
      // a four-eyes amount: the dialog states it and wants the organisation's name typed
      await panel.getByRole('button', { name: 'Approve' }).click();
      const approve = page.getByRole('dialog', { name: /^Approve \$.* for Acme Journeys\?$/ });
      expect(await approve.textContent()).toMatch(/commits to at least \$[\d,.]+ every/);
      const confirm = approve.getByRole('button', { name: 'Approve' });
      expect(await confirm.isDisabled()).toBe(true);
      await approve.getByLabel('Type Acme Journeys to confirm').fill('Acme Journeys');
      await checkPageState(page, 'contract approval confirmation');
      await screenshot(page, 'manager-approve-confirmation');
      await darkScreenshot(page, 'manager-approve-confirmation');
      await confirm.click();
      await panel.getByText(/Approval recorded \(1 of 2\)/).waitFor();
      // the same manager cannot approve twice: the button turns disabled once the refetch lands
      await panel
        .getByRole('button', { name: 'Approve', exact: true, disabled: true })
        .waitFor({ timeout: 10_000 });
      await checkPageState(page, 'contract review, one approval recorded');
      await screenshot(page, 'manager-review-four-eyes');
    });
    await staff('am2', async ({ page }) => {
      await page.getByRole('button', { name: /^Review premium contract/ }).click();
      const panel = page.getByRole('region', { name: 'Contract review' });
      await panel.getByText('1 of 2 recorded').waitFor();
      await panel.getByLabel(/^Reason/).fill('Strong standard-tier history');
      await panel.getByRole('button', { name: 'Approve' }).click();
      const approve = page.getByRole('dialog', { name: /^Approve .* for Acme Journeys\?$/ });
      expect(await approve.textContent()).toContain('“Strong standard-tier history”');
      await approve.getByLabel('Type Acme Journeys to confirm').fill('Acme Journeys');
      await approve.getByRole('button', { name: 'Approve' }).click();
      await panel.getByText(/Approved \(2 of 2\); the contract is now active/).waitFor();
      await page.getByRole('link', { name: 'Commitments' }).click();
      await page.getByRole('cell', { name: 'Acme Journeys' }).waitFor();
      await page.getByText(/shortfall so far/).waitFor();
      await checkPageState(page, 'commitments');
      await screenshot(page, 'manager-commitments');
    });
  });

  it('spend crosses the threshold; the org admin sees premium unlocked and calls it with a key made in the UI', async () => {
    const { page } = org;
    // the sign-up address is confirmed through the mailed link before any key
    const token = await tokenMailedTo(
      stack.portal.app.get(DataSource),
      'alice@acme-journeys.example',
    );
    await page.goto(`${stack.url}/app/verify-email?token=${token}`);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('link', { name: 'Go to API keys' }).click();
    await page.getByLabel('Key name').fill('research-assistant');
    await page.getByRole('button', { name: 'Create key' }).click();
    key = (await page.getByLabel('New API key').textContent())!.trim();
    const ai = gatewayClient(stack.gatewayUrl!, key);
    await expect(
      ai.chat.completions.create({
        model: 'velvet-pro-1',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 403 });

    // four calls (~$0.016 each) clear the $0.05 threshold with room; three fell just short (0.0477)
    await spendOnStandard(ai, 4);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const unlocked = page.getByLabel('velvet-pro-1 unlocked');
    await poll('premium unlocked in the dashboard', async () => {
      await page.reload();
      await page
        .getByRole('region', { name: 'Entitlements' })
        .or(page.getByText('Entitlements'))
        .first()
        .waitFor();
      return (await unlocked.count()) > 0;
    });
    const answer = await poll('the gateway to serve premium', () =>
      ai.chat.completions.create({
        model: 'velvet-pro-1',
        messages: [{ role: 'user', content: 'Draft a short welcome note for new research staff.' }],
        max_tokens: 64,
      }),
    );
    expect(answer.choices[0].message.content).toBeTruthy();
    await page.getByRole('figure', { name: 'Spend over time' }).waitFor();
    await checkPageState(page, 'org dashboard, premium unlocked');
    await screenshot(page, 'org-dashboard-unlocked');
    await darkScreenshot(page, 'org-dashboard-unlocked');
    await phoneScreenshot(page, 'org-dashboard-unlocked');

    // the spend page: totals, every day, a breakdown by model and key, CSV, statements
    await page.getByRole('link', { name: 'Spend', exact: true }).click();
    const byModel = page.getByRole('region', { name: 'Spend by model and key' });
    await byModel
      .getByRole('cell', { name: /velvet-code-1/ })
      .first()
      .waitFor();
    await byModel.getByRole('cell', { name: 'research-assistant' }).first().waitFor();
    expect(await page.getByRole('region', { name: 'Totals' }).textContent()).toMatch(
      /Total, last 30 days\$\d/,
    );
    const statements = page.getByRole('region', { name: 'Statements' });
    await statements.getByRole('heading', { name: 'Statements' }).waitFor();
    expect(await statements.getByRole('alert').count()).toBe(0);
    const spendCsv = page.waitForEvent('download');
    await byModel.getByRole('button', { name: 'Export breakdown CSV' }).click();
    expect((await spendCsv).suggestedFilename()).toBe('spend-by-model-and-key-30d.csv');
    await checkPageState(page, 'spend page');
    await screenshot(page, 'org-spend');
    await phoneScreenshot(page, 'org-spend');

    await poll('the audit record', async () => (await auditCount(db, orgId)) >= 1);
    await page.getByRole('link', { name: 'Premium audit' }).click();
    await page
      .getByRole('cell', { name: /velvet-pro-1/ })
      .first()
      .waitFor();
    await checkPageState(page, 'org premium audit records');
    await screenshot(page, 'org-premium-audit');
    (globalThis as { provenanceText?: string }).provenanceText = answer.choices[0].message.content!;
  });

  it('a security reviewer sees the alert from a distillation run, verifies the log in the browser, traces a text, and suspends', async () => {
    await distill(gatewayClient(stack.gatewayUrl!, key), 'velvet-pro-1', 30);
    await poll(
      'the campaign in the audit log',
      async () => (await auditCount(db, orgId)) >= 31,
      30_000,
    );
    await staff('sec', async ({ page }) => {
      await page.getByRole('button', { name: 'Run detection now' }).click();
      await page.getByText(/case\(s\) opened/).waitFor({ timeout: 60_000 });
      await page.getByRole('link', { name: 'Acme Journeys' }).click();
      await page.getByRole('region', { name: 'Evidence' }).getByText('logprobs').first().waitFor();
      await page.getByRole('figure', { name: 'Risk timeline' }).waitFor();
      await checkPageState(page, 'alert case');
      await screenshot(page, 'security-alert-case');
      await phoneScreenshot(page, 'security-alert-case');
      // the pivot from the case to the organisation's calls: the log opens filtered by it
      await page.getByRole('link', { name: /organisation’s calls in the audit log/ }).click();
      await page
        .getByRole('cell', { name: /velvet-pro-1/ })
        .first()
        .waitFor();
      expect(await page.getByLabel('Organisation').locator('option:checked').textContent()).toBe(
        'Acme Journeys',
      );
      await page.goBack();
      // the organisation's name links to its page: state, access controls, cases
      await page.getByRole('main').getByRole('link', { name: 'Acme Journeys' }).click();
      await page.getByRole('region', { name: 'Alert cases of this organisation' }).waitFor();
      await checkPageState(page, 'organisation page');
      await page.goBack();

      await page.getByRole('link', { name: 'Log integrity' }).click();
      await page.getByRole('button', { name: 'Verify latest tree head' }).click();
      await page.getByText(/Tree head signature valid \(Ed25519 via/).waitFor();
      const seq = (
        await db.query(`SELECT min(seq)::int AS s FROM audit_log WHERE organization_id = $1`, [
          orgId,
        ])
      )[0].s;
      await page.getByLabel('Record number').fill(String(seq));
      await page.getByRole('button', { name: 'Verify inclusion' }).click();
      await page.getByText(/Inclusion proof valid: record #\d+ is in the signed/).waitFor();
      await checkPageState(page, 'log integrity verified');
      await screenshot(page, 'security-integrity');

      await page.getByRole('link', { name: 'Provenance' }).click();
      await page
        .getByLabel('Suspect text')
        .fill((globalThis as { provenanceText?: string }).provenanceText!);
      await page.getByRole('button', { name: 'Trace' }).click();
      await page.getByRole('cell', { name: 'Acme Journeys' }).first().waitFor();
      await checkPageState(page, 'provenance traced');
      await screenshot(page, 'security-provenance');

      await page.getByRole('link', { name: 'Audit log' }).click();
      await page
        .getByRole('cell', { name: /velvet-pro-1/ })
        .first()
        .waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      expect((await download).suggestedFilename()).toMatch(/^audit-.*\.csv$/);
      await checkPageState(page, 'audit log');
      await screenshot(page, 'security-audit-log');
      await phoneScreenshot(page, 'security-audit-log');
      await page
        .getByRole('navigation', { name: 'Pagination' })
        .getByRole('button', { name: 'Next' })
        .click();
      await page.getByText(/^26–\d+ of \d+$/).waitFor();

      await page.getByRole('link', { name: 'Alert cases' }).click();
      // in the cases table: the audit log (whose rows link the organisation too) stays on screen
      // while the cases page's chunk loads
      await page
        .getByRole('table', { name: 'Alert cases' })
        .getByRole('link', { name: 'Acme Journeys' })
        .click();
      // a throttle, confirmed, is visible on the case and can be lifted (with a reason)
      await page.getByLabel(/^Reason \(at least/).fill('Slow the campaign down while we look');
      await page.getByRole('button', { name: 'Throttle', exact: true }).click();
      await page
        .getByRole('dialog', { name: 'Throttle this traffic?' })
        .getByRole('button', { name: 'Confirm' })
        .click();
      const throttles = page.getByRole('group', { name: 'Current throttles' });
      await throttles.getByText(/whole organisation: 10 requests\/min/).waitFor();
      await checkPageState(page, 'alert case, organisation throttled');
      await page
        .getByLabel('Reason for lifting (at least 10 characters)')
        .fill('Replaced by a suspension of premium access');
      await page.getByRole('button', { name: 'Lift throttle on whole organisation' }).click();
      await page
        .getByRole('dialog', { name: /Lift the throttle/ })
        .getByRole('button', { name: 'Confirm' })
        .click();
      await page.getByText('not throttled').waitFor();
      await page
        .getByLabel(/^Reason/)
        .fill('Distillation pattern: logprobs, multi-sample, templated reasoning prompts');
      // the size of the newest signed head before the suspension (an audited admin action) ...
      const size = async () =>
        (await db.query(`SELECT max(tree_size)::int AS n FROM audit_tree_head`))[0].n as number;
      const before = await size();
      // state-aware: only Suspend is offered while premium is on
      expect(await page.getByRole('button', { name: 'Restore premium access' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Suspend premium access' }).click();
      const confirm = page.getByRole('dialog', { name: 'Suspend premium access?' });
      expect(await confirm.textContent()).toContain('Distillation pattern: logprobs');
      await checkPageState(page, 'suspend confirmation dialog');
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      await page.getByText('premium suspended').first().waitFor();
      await page.getByRole('button', { name: 'Restore premium access' }).waitFor();
      expect(await page.getByRole('button', { name: 'Suspend premium access' }).count()).toBe(0);
      await checkPageState(page, 'alert case after suspension');

      // ... the log grew past it: this browser proves it only grew ...
      await poll('a newer signed tree head', async () => (await size()) > before);
      await page.getByRole('link', { name: 'Log integrity' }).click();
      await page.getByRole('button', { name: 'Verify latest tree head' }).click();
      await page
        .getByText(/Consistency proof valid: the \d+-entry log you saw before is a prefix/)
        .waitFor();
      // ... and notices when the server's answers do not add up
      await page.route('**/audit/tree-heads/latest', async (route) => {
        const head = await (await route.fetch()).json();
        await route.fulfill({ json: { ...head, treeSize: head.treeSize + 1 } });
      });
      await page.getByRole('button', { name: 'Verify latest tree head' }).click();
      await page.getByText('Tree head signature INVALID').waitFor();
      await checkPageState(page, 'log integrity, forged head');
      await page.unroute('**/audit/tree-heads/latest');
      await page.route('**/audit/records/*/inclusion-proof*', async (route) => {
        const proof = await (await route.fetch()).json();
        await route.fulfill({
          json: {
            ...proof,
            proof: proof.proof.map((h: string) => h.replace(/^./, (c) => (c === '0' ? '1' : '0'))),
          },
        });
      });
      await page.getByLabel('Record number').fill(String(seq));
      await page.getByRole('button', { name: 'Verify inclusion' }).click();
      await page.getByText(/Inclusion proof FAILED/).waitFor();
    });
  });

  it('the org admin sees premium locked again, and the gateway refuses it', async () => {
    const { page } = org;
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.reload();
    const why = page.getByRole('region', { name: 'Why velvet-pro-1 is locked' });
    await why.waitFor();
    expect(await why.textContent()).toContain('premium access suspended by security');
    await checkPageState(page, 'org dashboard, premium suspended');
    await screenshot(page, 'org-dashboard-suspended');
    const ai = gatewayClient(stack.gatewayUrl!, key);
    await poll('the gateway to refuse premium', () =>
      ai.chat.completions
        .create({ model: 'velvet-pro-1', messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => false,
          (e: { status?: number }) => e.status === 403,
        ),
    );
  });
});
