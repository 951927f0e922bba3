import { createHash } from 'node:crypto';
import { LocalKeySigner } from '../tree-head/key-signer';
import { leafOf, merkleEntryOf } from '../writer/audit-leaf';
import { leafHash } from '../merkle/merkle';
import { billingOf, checkReceipts } from './receipt-check';
import { openReceipt, ReceiptSigner, splitReceipts } from './receipt';
import { entryOfAuditStreamRecord } from '../producer/audit-entry.factory';
import { eventSha256Of } from './receipt-leaf';

const ORIGIN = 'audit.example.test/log';
const leaf = (
  eventId: string,
  costMicros: string,
  occurredAt = '2026-11-30T10:00:00.000Z',
  eventSha256?: string,
) =>
  JSON.stringify({
    v: eventSha256 ? 3 : 2,
    kind: 'premium_call',
    eventId,
    eventSha256,
    occurredAt,
    inputTokens: 10,
    outputTokens: 20,
    costMicros,
    currency: 'USD',
  });

describe('receipts', () => {
  const signer = new ReceiptSigner(LocalKeySigner.ephemeral(), ORIGIN);

  it('round-trips, names the log and the key, and refuses another key or a changed body', async () => {
    const hash = Buffer.alloc(32, 1);
    const r = await signer.sign('call-1', hash, 1764500000000);
    const named = { keyName: `${ORIGIN}/receipt`, keyId: signer.keyId.toString('hex') };
    expect(openReceipt(r, [signer.vkey])).toEqual({
      origin: ORIGIN,
      callId: 'call-1',
      timestamp: 1764500000000,
      version: 2,
      eventSha256: hash.toString('hex'),
      ...named,
    });
    expect(Buffer.from(r, 'base64').toString()).toMatch(/^velvet-audit-receipt\/v2\n/);
    // v1 receipts (a leaf hash) still open
    const v1 = await signer.signLeaf('call-1', hash, 1764500000000);
    expect(openReceipt(v1, [signer.vkey])).toMatchObject({
      version: 1,
      leafHash: hash.toString('hex'),
    });
    expect(() =>
      openReceipt(r, [new ReceiptSigner(LocalKeySigner.ephemeral(), ORIGIN).vkey]),
    ).toThrow(/not signed/);
    const note = Buffer.from(r, 'base64').toString().replace('call-1', 'call-2');
    expect(() => openReceipt(Buffer.from(note).toString('base64'), [signer.vkey])).toThrow(
      /not signed/,
    );
    expect(splitReceipts(`# saved\nx-velvet-receipt: ${r}\n\n${r}\n`)).toEqual([r, r]);
  });

  it('commits to the event JSON the gateway appends: the worker puts its SHA-256 in the leaf', () => {
    const json = JSON.stringify({
      requestId: 'e',
      organizationId: 'o',
      apiKeyId: 'k',
      userId: null,
      modelId: 'm',
      modelSlug: 'velvet-pro-1',
      tier: 'premium',
      occurredAt: '2026-11-30T10:00:00.000Z',
      clientIp: null,
      userAgent: null,
      params: { n: 1 },
      promptText: 'user: p\u0000 é \ud83d\ude00\n',
      completionText: 'c',
      inputTokens: 3,
      outputTokens: 1,
      latencyMs: 5,
      status: 'succeeded',
      costMicros: '5',
      currency: 'USD',
    });
    const entry = entryOfAuditStreamRecord(['v', json], new Date('2030-01-01T00:00:00Z'));
    const leafJson = JSON.parse(leafOf(entry));
    expect(leafJson).toMatchObject({ v: 3, costMicros: '5', currency: 'USD' });
    expect(leafJson.eventSha256).toBe(eventSha256Of(json).toString('hex'));
    expect(leafJson.eventSha256).toBe(createHash('sha256').update(Buffer.from(json)).digest('hex'));
  });

  it('checks receipts against exported records and sums the charges per day and currency', async () => {
    const records = [
      { seq: 0, leaf: leaf('a', '1000'), leafHash: '' },
      { seq: 1, leaf: leaf('b', '2500', '2026-12-01T00:00:00.000Z'), leafHash: '' },
      {
        seq: 2,
        leaf: JSON.stringify({ v: 2, kind: 'premium_call', eventId: 'old' }),
        leafHash: '',
      },
    ].map((r) => ({ ...r, leafHash: leafHash(merkleEntryOf(r.leaf)).toString('hex') }));
    const good = await signer.signLeaf('a', Buffer.from(records[0].leafHash, 'hex'));
    const wrongCall = await signer.signLeaf('z', Buffer.from(records[1].leafHash, 'hex'));
    const result = checkReceipts([good, wrongCall], [signer.vkey], records, ORIGIN);
    expect(result.included.map((r) => r.seq)).toEqual([0]);
    expect(result.problems).toEqual([expect.stringMatching(/seq 1 is of call b/)]);
    expect(billingOf(records)).toEqual({
      billing: [
        {
          day: '2026-11-30',
          currency: 'USD',
          calls: 1,
          inputTokens: 10,
          outputTokens: 20,
          costMicros: '1000',
        },
        {
          day: '2026-12-01',
          currency: 'USD',
          calls: 1,
          inputTokens: 10,
          outputTokens: 20,
          costMicros: '2500',
        },
      ],
      unpricedLeaves: 1,
    });
  });

  it("checks a v2 receipt against the eventSha256 of the call's leaf, and fails one that does not match", async () => {
    const event = Buffer.alloc(32, 9);
    const records = [
      { seq: 4, leaf: leaf('c', '10', undefined, event.toString('hex')), leafHash: '' },
      { seq: 5, leaf: leaf('d', '10'), leafHash: '' },
    ].map((r) => ({ ...r, leafHash: leafHash(merkleEntryOf(r.leaf)).toString('hex') }));
    const good = await signer.sign('c', event);
    const otherEvent = await signer.sign('c', Buffer.alloc(32, 8));
    const noHashInLeaf = await signer.sign('d', event);
    const unknownCall = await signer.sign('x', event);
    const result = checkReceipts(
      [good, otherEvent, noHashInLeaf, unknownCall],
      [signer.vkey],
      records,
      ORIGIN,
    );
    expect(result.included.map((r) => [r.callId, r.seq])).toEqual([['c', 4]]);
    expect(result.problems).toEqual([
      expect.stringMatching(
        /^receipt 2 \(call c\): the leaf at seq 4 commits to event 0909.*, the receipt to 0808/,
      ),
      expect.stringMatching(/^receipt 3 \(call d\): the leaf at seq 5 commits to event \(none\)/),
      expect.stringMatching(/^receipt 4 \(call x\): the call's leaf is not in the export/),
    ]);
  });
});
