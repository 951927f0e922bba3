import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  COSIGNATURE_ED25519,
  formatVkey,
  LocalKeySigner,
  RECEIPT_HEADER,
  ReceiptSigner,
  TreeHeadPublisher,
  TreeHeadSigner,
} from '@velvet/audit';
import request from 'supertest';
import { tempReceiptKeyFile as keyFile } from '../scripts/audit/receipt-key-file';
import { startAuditWorker, waitFor } from './support/audit-worker';
import {
  addKey,
  client,
  grantTier,
  openUnlockRule,
  refreshCatalog,
  seedModel,
  seedTiers,
  startGateway,
  type RunningGateway,
} from './support/gateway';
import { DEMO_TEST_PASSWORD, signUp } from './support/http';
import { openPersona, signIn, type Persona } from './web/support/browser';
import { startWebStack, type WebStack } from './web/support/stack';

jest.setTimeout(240_000);

const ORIGIN = 'audit.velvet.test/log';

/**
 * The web portal checks receipts itself and requires the configured witness
 * quorum: an org admin pastes the receipt of a premium call and the checkpoint they saved;
 * the browser proves the leaf included under a head consistent with it, and sums the charges.
 */
describe('receipts and witness quorum in the web portal (chromium, e2e)', () => {
  let stack: WebStack;
  let worker: INestApplicationContext;
  let gw: RunningGateway;
  let person: Persona;
  let logVkey: string;
  let receiptKey: string;

  beforeAll(async () => {
    stack = await startWebStack();
    const signingKey = keyFile('audit-signing-key');
    logVkey = new TreeHeadSigner(LocalKeySigner.fromFile(signingKey), ORIGIN).vkey;
    worker = await startAuditWorker(stack.portal.env.DATABASE_URL, stack.portal.env.QUEUE_PREFIX, {
      AUDIT_SIGNING_KEY_FILE: signingKey,
      AUDIT_LOG_ORIGIN: ORIGIN,
      AUDIT_TREE_HEAD_INTERVAL_MS: '3600000',
    });
    gw = await startGateway({
      DATABASE_URL: stack.portal.env.DATABASE_URL,
      QUEUE_PREFIX: stack.portal.env.QUEUE_PREFIX,
      AUDIT_RECEIPT_KEY_FILE: (receiptKey = keyFile('audit-receipt-key')),
      AUDIT_LOG_ORIGIN: ORIGIN,
    });
    person = await openPersona();
  });
  afterAll(async () => {
    await person?.close();
    await gw?.close();
    await worker?.close();
    await stack?.close();
  });

  it('verifies a pasted receipt under the saved checkpoint and the policy; refuses an unmet quorum', async () => {
    const email = `admin-${randomUUID()}@web-receipts.example`;
    const admin = await signUp(stack.portal, 'Web Receipts', email);
    await seedTiers(gw);
    await openUnlockRule(gw, 'premium');
    await seedModel(gw, { slug: 'prem-web-receipts', tier: 'premium' });
    await refreshCatalog(gw);
    const { key } = await addKey(gw, admin.organizationId!);
    await grantTier(gw, admin.organizationId!, 'premium');
    const publish = () => worker.get(TreeHeadPublisher).publish();
    await publish();
    const saved = (await request(stack.portal.url).get('/audit-log/checkpoint').expect(200)).text;

    const call = await client(gw, key)
      .chat.completions.create({
        model: 'prem-web-receipts',
        messages: [{ role: 'user', content: 'a receipt for the browser' }],
        max_tokens: 16,
      })
      .withResponse();
    const receipt = call.response.headers.get(RECEIPT_HEADER)!;
    const callId = call.response.headers.get('x-velvet-call-id')!;
    await waitFor(
      'the call in the log',
      async () =>
        (await gw.db.query(`SELECT 1 FROM audit_log WHERE event_id = $1`, [callId])).length,
    );
    await publish();

    const { page } = person;
    await signIn(page, stack.url, email, DEMO_TEST_PASSWORD);
    await page.getByRole('link', { name: 'Receipts' }).click();
    await page.getByLabel(/Receipts \(one/).fill(receipt);
    await page.getByLabel(/Checkpoint you saved earlier/).fill(saved);
    await page.getByLabel(/Witness policy/).fill(`log ${logVkey}\nquorum none\n`);
    await page.getByRole('button', { name: 'Verify receipts' }).click();
    await page
      .getByText(
        new RegExp(`Receipt 1 \\(call ${callId}\\): leaf #\\d+ included under the verified head`),
      )
      .waitFor();
    await page.getByText(/The log grew from your saved checkpoint/).waitFor();
    await page.getByText(/Witness quorum met/).waitFor();
    await page.getByRole('cell', { name: /^\$/ }).first().waitFor();

    // the gateway's own key, the same call, another event than the one appended: refused
    const otherEvent = await new ReceiptSigner(LocalKeySigner.fromFile(receiptKey), ORIGIN).sign(
      callId,
      Buffer.alloc(32, 5),
    );
    await page.getByLabel(/Receipts \(one/).fill(otherEvent);
    await page.getByRole('button', { name: 'Verify receipts' }).click();
    await page
      .getByText(
        new RegExp(`Receipt 1 \\(call ${callId}\\): the leaf #\\d+ commits to another event`),
      )
      .waitFor();

    // a policy that needs a witness nobody asked: the quorum fails, on this page and on the integrity page
    const witnessKey = formatVkey('witness.example/w1', COSIGNATURE_ED25519, Buffer.alloc(32, 9));
    await page
      .getByLabel(/Witness policy/)
      .fill(`log ${logVkey}\nwitness w1 ${witnessKey}\nquorum w1\n`);
    await page.getByRole('button', { name: 'Verify receipts' }).click();
    await page.getByText(/witness quorum "w1" not met/).waitFor();
    await page.goto(`${stack.url}/app/integrity`);
    await page.getByRole('button', { name: 'Verify latest tree head' }).click();
    await page.getByText(/Witness policy FAILED: witness quorum "w1" not met/).waitFor();
  });
});
