import type { Repository } from 'typeorm';
import type { RateLimit } from '../entities/rate-limit.entity';
import { decodeLimitChange, encodeLimitChange, loosens, rateStateKeys } from './limit-changes';
import { LimitsService } from './limits.service';

const ORG = '11111111-1111-4111-8111-111111111111';
const KEY = '22222222-2222-4222-8222-222222222222';
const row = (over: Partial<RateLimit>) =>
  ({
    organizationId: ORG,
    apiKeyId: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    spendCapMicros: null,
    ...over,
  }) as RateLimit;

describe('limit changes', () => {
  it('round-trips a set and a removal, caps as exact integers', () => {
    const set = {
      organizationId: ORG,
      apiKeyId: KEY,
      override: {
        requestsPerMinute: 1,
        tokensPerMinute: null,
        spendCapMicros: 9_007_199_254_740_993n,
      },
    };
    expect(decodeLimitChange(encodeLimitChange(set))).toEqual(set);
    const cleared = { organizationId: ORG, apiKeyId: null, override: null };
    expect(decodeLimitChange(encodeLimitChange(cleared))).toEqual(cleared);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'x',
      '{}',
      '{"o":1,"k":null,"v":null}',
      `{"o":"${ORG}","k":null,"v":[1.5,null,null]}`,
      `{"o":"${ORG}","k":null,"v":[1,null,"-3"]}`,
    ])
      expect(decodeLimitChange(bad)).toBeNull();
  });

  it('a removal or a higher limit loosens; a new or a lower one does not', () => {
    const one = { requestsPerMinute: 1, tokensPerMinute: null };
    expect(loosens(one, null)).toBe(true);
    expect(loosens(one, { requestsPerMinute: 10, tokensPerMinute: null })).toBe(true);
    expect(loosens(one, { requestsPerMinute: null, tokensPerMinute: null })).toBe(true);
    expect(loosens(one, { requestsPerMinute: 1, tokensPerMinute: 5 })).toBe(false);
    expect(loosens(null, one)).toBe(false);
    expect(rateStateKeys(ORG, null)).toEqual([`gw:o:${ORG}:rq`, `gw:o:${ORG}:tk`]);
    expect(rateStateKeys(ORG, KEY)).toEqual([`gw:k:${KEY}:rq`, `gw:k:${KEY}:tk`]);
  });
});

describe('LimitsService snapshot', () => {
  it('applies an announced change at once, and a refresh that raced with it keeps it', async () => {
    let release: (rows: RateLimit[]) => void = () => undefined;
    let reading: () => void = () => undefined;
    const rowsRead = new Promise<void>((r) => (reading = r));
    const rows = {
      metadata: { tableName: 'rate_limits' },
      // the tables' fingerprint: new, so the rows are read
      query: jest.fn(() => Promise.resolve([{ fingerprint: 'f1' }])),
      find: jest.fn(() => {
        reading();
        return new Promise<RateLimit[]>((r) => (release = r));
      }),
    };
    const limits = new LimitsService(rows as unknown as Repository<RateLimit>);
    const refreshing = limits.refresh();
    await rowsRead;
    // the throttle is lifted while the refresh's query (which still saw it) is in flight
    limits.apply({ organizationId: ORG, apiKeyId: null, override: null });
    release([row({ requestsPerMinute: 1 })]);
    await refreshing;
    expect(limits.snapshot(ORG, KEY).organization).toBeUndefined();
    limits.apply({
      organizationId: ORG,
      apiKeyId: KEY,
      override: { requestsPerMinute: 2, tokensPerMinute: null, spendCapMicros: null },
    });
    expect(limits.snapshot(ORG, KEY).apiKey?.requestsPerMinute).toBe(2);
  });
});

describe('LimitsService refresh', () => {
  it('reads the rows again only when the tables fingerprint moved', async () => {
    const fingerprints = ['f1', 'f1', 'f2', 'f2'];
    const rows = {
      metadata: { tableName: 'rate_limits' },
      query: jest.fn(() => Promise.resolve([{ fingerprint: fingerprints.shift() }])),
      find: jest.fn(() => Promise.resolve([row({ requestsPerMinute: 1 })])),
    };
    const limits = new LimitsService(rows as unknown as Repository<RateLimit>);
    const reads = [];
    for (let i = 0; i < 4; i++) {
      await limits.refresh();
      reads.push(rows.find.mock.calls.length);
    }
    expect(reads).toEqual([1, 1, 2, 2]);
    expect(limits.snapshot(ORG, KEY).organization?.requestsPerMinute).toBe(1);
  });
});

describe('rateStateKeys on a Redis Cluster', () => {
  it('names a key scope in its organisation shard, one hash tag for both keys', () => {
    const layout = { shards: 16, tagged: true };
    const org = rateStateKeys('7c1e0a52-8f43-4d4f-9a53-0c2f3b1e9d10', null, layout);
    const key = rateStateKeys('7c1e0a52-8f43-4d4f-9a53-0c2f3b1e9d10', 'k1', layout);
    const tag = /\{s\d+\}/.exec(org[0])![0];
    expect([...org, ...key].every((k) => k.includes(tag))).toBe(true);
    expect(key).toEqual([`gw:${tag}:k:k1:rq`, `gw:${tag}:k:k1:tk`]);
  });
});
