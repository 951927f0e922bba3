import { EventEmitter } from 'node:events';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import { EntitlementCache } from './entitlement-cache';

/** Stand-ins for the two I/O edges, so the cache's own bookkeeping can be driven step by step. */
class FakeSubscriber extends EventEmitter {
  async connect() {
    this.emit('ready');
  }
  async subscribe() {}
  async quit() {}
}

/** A Redis whose subscriber connection is `subscriber`. */
const redisWith = (subscriber: FakeSubscriber) =>
  ({ options: { keyPrefix: 'p:' }, duplicate: () => subscriber }) as unknown as IORedis;

function setUp() {
  const subscriber = new FakeSubscriber();
  const redis = redisWith(subscriber);
  const pending: Array<(rows: { id: string; lapses_at?: string }[]) => void> = [];
  let queries = 0;
  const dataSource = {
    // the cache's one query answers one row: status, reasons, and the callable models
    query: () => {
      queries++;
      return new Promise((resolve) =>
        pending.push((models) => resolve([{ org_status: 'active', refusals: null, models }])),
      );
    },
  } as unknown as DataSource;
  const cache = new EntitlementCache(dataSource, redis);
  return { cache, subscriber, pending, queries: () => queries };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('EntitlementCache bookkeeping', () => {
  it('serves from memory until a change is announced for that organisation', async () => {
    const { cache, subscriber, pending, queries } = setUp();
    await cache.onModuleInit();
    const first = cache.invokableModelIds('org-1');
    await flush();
    pending.shift()!([{ id: 'm1' }]);
    expect([...(await first)]).toEqual(['m1']);
    expect([...(await cache.invokableModelIds('org-1'))]).toEqual(['m1']);
    expect(queries()).toBe(1);
    subscriber.emit('message', cache.channel, 'org-2');
    await cache.invokableModelIds('org-1');
    expect(queries()).toBe(1);
    subscriber.emit('message', cache.channel, 'org-1');
    const again = cache.invokableModelIds('org-1');
    await flush();
    pending.shift()!([]);
    expect((await again).size).toBe(0);
    expect(queries()).toBe(2);
  });

  it('does not keep a load that raced with an announcement', async () => {
    const { cache, subscriber, pending, queries } = setUp();
    await cache.onModuleInit();
    const racing = cache.invokableModelIds('org-1');
    await flush();
    subscriber.emit('message', cache.channel, 'org-1'); // change lands while the old answer is in flight
    pending.shift()!([{ id: 'stale' }]);
    await racing;
    const next = cache.invokableModelIds('org-1');
    await flush();
    expect(queries()).toBe(2);
    pending.shift()!([{ id: 'fresh' }]);
    expect([...(await next)]).toEqual(['fresh']);
  });

  it('caches nothing while disconnected from pub/sub, and forgets everything on reconnect', async () => {
    const { cache, subscriber, pending, queries } = setUp();
    await cache.onModuleInit();
    const warm = cache.invokableModelIds('org-1');
    await flush();
    pending.shift()!([{ id: 'm1' }]);
    await warm;
    subscriber.emit('close');
    for (let i = 0; i < 2; i++) {
      const p = cache.invokableModelIds('org-1');
      await flush();
      pending.shift()!([{ id: 'm1' }]);
      await p;
    }
    expect(queries()).toBe(3);
    subscriber.emit('ready');
    const p = cache.invokableModelIds('org-1');
    await flush();
    pending.shift()!([{ id: 'm1' }]);
    await p;
    await cache.invokableModelIds('org-1');
    expect(queries()).toBe(4);
  });

  it('reloads by itself when an entitlement in the entry lapses (a contract term ends), before the TTL', async () => {
    const { cache, pending, queries } = setUp();
    await cache.onModuleInit();
    const first = cache.invokableModelIds('org-1');
    await flush();
    const t0 = Date.now();
    pending.shift()!([{ id: 'm1', lapses_at: String(t0 + 5_000) }, { id: 's1' }]);
    expect((await first).size).toBe(2);
    await cache.invokableModelIds('org-1');
    expect(queries()).toBe(1);
    const clock = jest.spyOn(Date, 'now').mockReturnValue(t0 + 5_001);
    const after = cache.invokableModelIds('org-1');
    await flush();
    expect(queries()).toBe(2);
    pending.shift()!([{ id: 's1' }]);
    expect([...(await after)]).toEqual(['s1']);
    clock.mockRestore();
  });

  it('explains a refusal from the load that gave it: organisation disabled first, then the tier reason', async () => {
    const subscriber = new FakeSubscriber();
    const redis = redisWith(subscriber);
    let row: Record<string, unknown> = {
      org_status: 'active',
      refusals: { premium: { code: 'spend_short', message: 'spent 1.00 of 2.00 USD' } },
      evaluated_ms: '1700000000000',
      models: [{ id: 's1' }],
    };
    const dataSource = { query: async () => [row] } as unknown as DataSource;
    const cache = new EntitlementCache(dataSource, redis);
    expect(cache.refusalFor('org-1', 'premium', true)).toBeNull(); // nothing loaded yet
    await cache.onModuleInit();
    await cache.invokableModelIds('org-1');
    expect(cache.refusalFor('org-1', 'premium', true)).toEqual({
      refusal: { code: 'spend_short', message: 'spent 1.00 of 2.00 USD' },
      asOf: 1_700_000_000_000, // as of the evaluation's facts
    });
    expect(cache.refusalFor('org-1', 'flagship', true)).toBeNull();
    expect(cache.refusalFor('org-1', 'standard', false)).toBeNull();
    row = { org_status: 'disabled', refusals: null, models: [] };
    subscriber.emit('message', cache.channel, 'org-1');
    expect((await cache.invokableModelIds('org-1')).size).toBe(0);
    const loadedAt = Date.now();
    expect(cache.refusalFor('org-1', 'standard', false)?.refusal.code).toBe(
      'organization_disabled',
    );
    // the organisation's status is as of the load that read it
    expect(cache.refusalFor('org-1', 'premium', true)?.asOf).toBeLessThanOrEqual(loadedAt);
    expect(cache.refusalFor('org-1', 'premium', true)?.asOf).toBeGreaterThan(1_700_000_000_000);
  });
  it('keeps the reason of the load that started last when two loads end out of order', async () => {
    const subscriber = new FakeSubscriber();
    const redis = redisWith(subscriber);
    const answers: Array<(message: string) => void> = [];
    const dataSource = {
      query: () =>
        new Promise((resolve) =>
          answers.push((message) =>
            resolve([
              {
                org_status: 'active',
                refusals: { premium: { code: 'spend_short', message } },
                models: [],
              },
            ]),
          ),
        ),
    } as unknown as DataSource;
    const cache = new EntitlementCache(dataSource, redis);
    await cache.onModuleInit();
    const older = cache.invokableModelIds('org-1'); // reads before a new evaluation lands
    await flush();
    subscriber.emit('message', cache.channel, 'org-1'); // the evaluation is announced
    const newer = cache.invokableModelIds('org-1');
    await flush();
    answers[1]('spent 9.99 of 10.00 USD');
    await newer;
    answers[0]('spent 0.00 of 10.00 USD'); // the older load ends last
    await older;
    expect(cache.refusalFor('org-1', 'premium', true)?.refusal.message).toBe(
      'spent 9.99 of 10.00 USD',
    );
  });
});
