import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  billingOf,
  checkReceipts,
  openReceipt,
  RECEIPT_HEADER,
  ReceiptSigner,
  LocalKeySigner,
} from '@velvet/audit';
import request from 'supertest';
import { tempReceiptKeyFile } from '../scripts/audit/receipt-key-file';
import { verifyExport } from '@velvet/audit';
import { startAuditStack, TEST_LOG_ORIGIN, type AuditStack } from './support/audit-stack';
import { waitFor } from './support/audit-worker';
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
import { bearer, signUp, type Session } from './support/http';
import { loadGatewayEnv } from '../apps/gateway/src/env';
import { ReceiptIssuer } from '../apps/gateway/src/receipts/receipt-issuer';

/**
 * Signed receipts: a premium response carries the gateway's signed promise of
 * the leaf the worker appends (a header; for streams an SSE comment before [DONE], and
 * GET /v1/audit/receipts/:callId); an organisation admin checks each receipt's leaf is included
 * under a checkpoint consistent with one they saved, and recomputes the charges from the leaves.
 */
describe('audit receipts: gateway promise → included leaf (e2e)', () => {
  let s: AuditStack;
  let gw: RunningGateway;
  let admin: Session;
  let apiKey: string;
  let receiptKeyFile: string;

  beforeAll(async () => {
    s = await startAuditStack();
    receiptKeyFile = tempReceiptKeyFile();
    gw = await startGateway({
      DATABASE_URL: s.portal.env.DATABASE_URL,
      QUEUE_PREFIX: s.portal.env.QUEUE_PREFIX,
      AUDIT_RECEIPT_KEY_FILE: receiptKeyFile,
      AUDIT_LOG_ORIGIN: TEST_LOG_ORIGIN,
    });
    await seedTiers(gw);
    await openUnlockRule(gw, 'premium');
    await seedModel(gw, {
      slug: 'prem-receipts',
      tier: 'premium',
      inputPrice: 3_000_000n,
      outputPrice: 15_000_000n,
    });
    await seedModel(gw, { slug: 'std-receipts', tier: 'standard' });
    await refreshCatalog(gw);
    admin = await signUp(s.portal, 'Receipts Org', `r-${randomUUID()}@receipts.example`);
    apiKey = (await addKey(gw, admin.organizationId!)).key;
    await grantTier(gw, admin.organizationId!, 'premium');
  });
  afterAll(async () => {
    await gw?.close();
    await s?.close();
  });

  const publishedKeys = async () =>
    (await request(s.portal.url).get('/audit-log/receipt-keys').expect(200)).text
      .split('\n')
      .filter(Boolean);
  const inLog = (ids: string[]) =>
    waitFor(`${ids.length} calls in the log`, async () => {
      const rows = await s.db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE event_id = ANY($1)`,
        [ids],
      );
      return rows.rows[0].n === ids.length;
    });

  it('refuses a receipt key file others can read, at start-up', async () => {
    const loose = join(mkdtempSync(join(tmpdir(), 'velvet-receipt-')), 'key');
    writeFileSync(
      loose,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      { mode: 0o644 },
    );
    expect(statSync(loose).mode & 0o777).toBe(0o644);
    const env = loadGatewayEnv({
      NODE_ENV: 'test',
      DATABASE_URL: gw.env.DATABASE_URL,
      AUDIT_RECEIPT_KEY_FILE: loose,
    });
    expect(() => new ReceiptIssuer(env, null as never)).toThrow(/chmod 600/);
    // production refuses to start without a receipt key file
    expect(() =>
      loadGatewayEnv({
        NODE_ENV: 'production',
        DATABASE_URL: gw.env.DATABASE_URL,
        JWT_SECRET: 'x'.repeat(48),
      }),
    ).toThrow(/AUDIT_RECEIPT_KEY_FILE/);
  });

  it('signs every premium response (header, SSE comment, GET by call id); the leaves are included under a checkpoint consistent with a saved one', async () => {
    const keys = await publishedKeys();
    expect(keys).toEqual([
      new ReceiptSigner(LocalKeySigner.fromFile(receiptKeyFile), TEST_LOG_ORIGIN).vkey,
    ]);
    await s.publish();
    const saved = await s.checkpoint();
    const savedSize = Number(saved.split('\n')[1]);
    const sdk = client(gw, apiKey);

    // 1. plain response: the official SDK reads the header
    const plain = await sdk.chat.completions
      .create({
        model: 'prem-receipts',
        messages: [{ role: 'user', content: 'hello receipts' }],
        max_tokens: 20,
      })
      .withResponse();
    const plainReceipt = plain.response.headers.get(RECEIPT_HEADER)!;
    const plainId = plain.response.headers.get('x-velvet-call-id')!;
    expect(plainReceipt).toBeTruthy();
    const r1 = openReceipt(plainReceipt, keys);
    expect(r1).toMatchObject({ origin: TEST_LOG_ORIGIN, callId: plainId });

    // 2. stream through the SDK: headers leave before the leaf exists; the receipt comes after
    const streamed = await sdk.chat.completions
      .create({
        model: 'prem-receipts',
        messages: [{ role: 'user', content: 'stream receipts' }],
        max_tokens: 20,
        stream: true,
      })
      .withResponse();
    expect(streamed.response.headers.get(RECEIPT_HEADER)).toBeNull();
    let text = '';
    for await (const chunk of streamed.data) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const streamId = streamed.response.headers.get('x-velvet-call-id')!;

    // 3. raw stream: the receipt is an SSE comment before [DONE] (clients ignore comments)
    const raw = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'prem-receipts',
        messages: [{ role: 'user', content: 'raw stream' }],
        max_tokens: 20,
        stream: true,
      }),
    });
    const rawId = raw.headers.get('x-velvet-call-id')!;
    const body = await raw.text();
    const comment = new RegExp(
      `^: ${RECEIPT_HEADER} (\\S+)\\n\\ndata: \\[DONE\\]\\n\\n$`,
      'm',
    ).exec(body);
    expect(comment).not.toBeNull();
    const rawReceipt = comment![1];
    expect(openReceipt(rawReceipt, keys).callId).toBe(rawId);

    // 4. a standard (not audited) call carries no receipt
    const std = await sdk.chat.completions
      .create({
        model: 'std-receipts',
        messages: [{ role: 'user', content: 'std' }],
        max_tokens: 5,
      })
      .withResponse();
    expect(std.response.headers.get(RECEIPT_HEADER)).toBeNull();

    await inLog([plainId, streamId, rawId]);
    // the SDK stream's receipt, fetched by call id with the API key; not with another organisation's key
    const fetched = await request(gw.url)
      .get(`/v1/audit/receipts/${streamId}`)
      .set('authorization', `Bearer ${apiKey}`)
      .expect(200);
    expect(fetched.body).toMatchObject({ object: 'audit.receipt', call_id: streamId });
    const other = await signUp(s.portal, 'Other Org', `o-${randomUUID()}@other.example`);
    const otherKey = (await addKey(gw, other.organizationId!)).key;
    await request(gw.url)
      .get(`/v1/audit/receipts/${streamId}`)
      .set('authorization', `Bearer ${otherKey}`)
      .expect(404);
    await request(gw.url)
      .get('/v1/audit/receipts/not-a-uuid')
      .set('authorization', `Bearer ${apiKey}`)
      .expect(400);
    await request(gw.url).get(`/v1/audit/receipts/${streamId}`).expect(401);

    // the receipt signs the event the gateway appended; the worker's leaf carries the same hash
    const leafOf = async (id: string) =>
      JSON.parse(
        (await s.db.query(`SELECT leaf FROM audit_log WHERE event_id = $1`, [id])).rows[0].leaf,
      ) as { v: number; eventSha256: string };
    expect(r1).toMatchObject({ version: 2, eventSha256: (await leafOf(plainId)).eventSha256 });
    expect((await leafOf(plainId)).v).toBe(3);
    expect(openReceipt(rawReceipt, keys)).toMatchObject({
      version: 2,
      eventSha256: (await leafOf(rawId)).eventSha256,
    });
    expect(openReceipt(fetched.body.receipt, keys)).toMatchObject({
      version: 2,
      eventSha256: (await leafOf(streamId)).eventSha256,
    });

    // the org admin: own export since the saved checkpoint, receipts checked under it
    await s.publish();
    const exported = (
      await request(s.portal.url)
        .get(`/audit/export?format=jsonl&sinceTreeSize=${savedSize}`)
        .set(bearer(admin))
        .expect(200)
    ).text;
    const verified = verifyExport(exported, { publicKey: s.vkey, trustedCheckpoint: saved });
    expect(verified.problems).toEqual([]);
    const lines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const records = lines.filter((l) => l.type === 'record');
    const receipts = [plainReceipt, fetched.body.receipt, rawReceipt];
    const result = checkReceipts(receipts, keys, records, lines[0].origin);
    expect(result.problems).toEqual([]);
    expect(result.included.map((r) => r.callId).sort()).toEqual([plainId, streamId, rawId].sort());

    // verifiable billing: the leaves' costs sum to what the usage records charged
    const billing = billingOf(records).billing;
    const charged = await waitFor('usage records', async () => {
      const rows = await s.db.query(
        `SELECT sum(cost_micros)::text AS micros, count(*)::int AS n FROM usage_records WHERE request_id = ANY($1)`,
        [[plainId, streamId, rawId]],
      );
      return rows.rows[0].n === 3 ? rows : null;
    });
    expect(billing).toHaveLength(1);
    expect(billing[0]).toMatchObject({
      currency: 'USD',
      calls: 3,
      costMicros: charged.rows[0].micros,
    });
  });

  it("answers a repeated Idempotency-Key with the original call's receipt (header; a stream's SSE comment)", async () => {
    const keys = await publishedKeys();
    const sdk = client(gw, apiKey);
    const body = {
      model: 'prem-receipts',
      messages: [{ role: 'user' as const, content: 'idempotent receipts' }],
      max_tokens: 20,
    };
    const headers = { 'Idempotency-Key': `receipt-${randomUUID()}` };
    const first = await sdk.chat.completions.create(body, { headers }).withResponse();
    const again = await sdk.chat.completions.create(body, { headers }).withResponse();
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    const receipt = first.response.headers.get(RECEIPT_HEADER)!;
    expect(receipt).toBeTruthy();
    expect(again.response.headers.get(RECEIPT_HEADER)).toBe(receipt);
    expect(openReceipt(receipt, keys).callId).toBe(first.response.headers.get('x-velvet-call-id'));

    const streamKey = `receipt-stream-${randomUUID()}`;
    const raw = () =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': streamKey,
        },
        body: JSON.stringify({ ...body, stream: true }),
      });
    const original = await raw();
    const originalBody = await original.text();
    const replayed = await raw();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const comment = (text: string) =>
      new RegExp(`^: ${RECEIPT_HEADER} (\\S+)\\n\\ndata: \\[DONE\\]\\n\\n$`, 'm').exec(text)?.[1];
    const streamReceipt = comment(originalBody);
    expect(streamReceipt).toBeTruthy();
    expect(comment(await replayed.text())).toBe(streamReceipt);
    const opened = openReceipt(streamReceipt!, keys);
    expect(opened.callId).toBe(original.headers.get('x-velvet-call-id'));
    // the replayed receipt names the leaf the original call left
    await inLog([opened.callId]);
    const leaf = JSON.parse(
      (await s.db.query(`SELECT leaf FROM audit_log WHERE event_id = $1`, [opened.callId])).rows[0]
        .leaf,
    ) as { eventSha256: string };
    expect(opened).toMatchObject({ version: 2, eventSha256: leaf.eventSha256 });
  });

  it('rejects a receipt of another key, another log, a call not in the export, or another event of an included call', async () => {
    const keys = await publishedKeys();
    const exported = (
      await request(s.portal.url).get('/audit/export?format=jsonl').set(bearer(admin)).expect(200)
    ).text;
    const lines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const records = lines.filter((l) => l.type === 'record');
    const forged = await new ReceiptSigner(LocalKeySigner.ephemeral(), TEST_LOG_ORIGIN).sign(
      randomUUID(),
      Buffer.alloc(32),
    );
    const ours = new ReceiptSigner(LocalKeySigner.fromFile(receiptKeyFile), TEST_LOG_ORIGIN);
    const missing = await ours.sign(randomUUID(), Buffer.alloc(32, 7));
    const otherLog = await new ReceiptSigner(
      LocalKeySigner.fromFile(receiptKeyFile),
      'other.example/log',
    ).sign(randomUUID(), Buffer.alloc(32));
    // the gateway's own key, a call that is in the log, but an event other than the one appended
    const included = records.find((r) => JSON.parse(r.leaf).kind === 'premium_call');
    const callId = JSON.parse(included.leaf).eventId as string;
    const otherEvent = await ours.sign(callId, Buffer.alloc(32, 3));
    const result = checkReceipts(
      [forged, missing, otherLog, otherEvent],
      [
        ...keys,
        new ReceiptSigner(LocalKeySigner.fromFile(receiptKeyFile), 'other.example/log').vkey,
      ],
      records,
      lines[0].origin,
    );
    expect(result.included).toHaveLength(0);
    expect(result.problems[0]).toMatch(/not signed by a receipt key/);
    expect(result.problems[1]).toMatch(/is not in the export/);
    expect(result.problems[2]).toMatch(/names log other\.example\/log/);
    expect(result.problems[3]).toMatch(
      new RegExp(
        `call ${callId}\\): the leaf at seq \\d+ commits to event [0-9a-f]{64}, the receipt to 0303`,
      ),
    );
    expect(result.problems).toHaveLength(4);
  });
});
