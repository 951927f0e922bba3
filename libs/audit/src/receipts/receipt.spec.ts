import { LocalKeySigner } from '../tree-head/key-signer';
import { leafOf, merkleEntryOf } from '../writer/audit-leaf';
import { leafHash } from '../merkle/merkle';
import { billingOf, checkReceipts } from './receipt-check';
import { openReceipt, ReceiptSigner, splitReceipts } from './receipt';
import { entryOfAuditStreamRecord } from '../producer/audit-entry.factory';
import { leafHashOfAuditEvent } from './receipt-leaf';

const ORIGIN = 'audit.example.test/log';
const leaf = (eventId: string, costMicros: string, occurredAt = '2026-11-30T10:00:00.000Z') =>
  JSON.stringify({
    v: 2,
    kind: 'premium_call',
    eventId,
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
    expect(openReceipt(r, [signer.vkey])).toEqual({
      origin: ORIGIN,
      callId: 'call-1',
      timestamp: 1764500000000,
      leafHash: hash.toString('hex'),
      keyName: `${ORIGIN}/receipt`,
      keyId: signer.keyId.toString('hex'),
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

  it('names the leaf hash the worker computes from the same event, whenever it takes it in', () => {
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
      promptText: 'user: p\n',
      completionText: 'c',
      inputTokens: 3,
      outputTokens: 1,
      latencyMs: 5,
      status: 'succeeded',
      costMicros: '5',
      currency: 'USD',
    });
    // the worker derives the entry later, with its own clock: enqueuedAt is not in the leaf
    const later = entryOfAuditStreamRecord(['v', json], new Date('2030-01-01T00:00:00Z'));
    expect(leafHashOfAuditEvent(json).equals(leafHash(merkleEntryOf(leafOf(later))))).toBe(true);
    expect(JSON.parse(leafOf(later))).toMatchObject({ costMicros: '5', currency: 'USD' });
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
    const good = await signer.sign('a', Buffer.from(records[0].leafHash, 'hex'));
    const wrongCall = await signer.sign('z', Buffer.from(records[1].leafHash, 'hex'));
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
});
