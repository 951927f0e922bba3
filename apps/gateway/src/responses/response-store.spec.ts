import type IORedis from 'ioredis';
import type { GatewayEnv } from '../env';
import { ResponseStore } from './response-store';

/** Enough of ioredis for the store: GET, SET, DEL on a map, counting GETs, each answered on a later turn. */
function fakeRedis() {
  const data = new Map<string, string>();
  const gets: string[] = [];
  const later = <T>(v: T) => new Promise<T>((r) => setImmediate(() => r(v)));
  const redis = {
    get: (k: string) => (gets.push(k), later(data.get(k) ?? null)),
    set: (k: string, v: string) => (data.set(k, v), later('OK')),
    del: (k: string) => later(data.delete(k) ? 1 : 0),
  };
  return { redis: redis as unknown as IORedis, gets };
}

describe('ResponseStore.item', () => {
  const hex = 'c'.repeat(32);
  const env = { QUEUE_PREFIX: 't', GATEWAY_BODY_LIMIT_BYTES: 1234 } as GatewayEnv;
  const stored = {
    response: {
      id: `resp_${hex}`,
      output: [
        { id: `fc_${hex}_0`, type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
        { id: `msg_${hex}`, type: 'message', role: 'assistant', content: [] },
      ],
    },
    messages: [],
  };

  it('reads a stored response once for lookups of its items made together, again for later ones', async () => {
    const { redis, gets } = fakeRedis();
    const store = new ResponseStore(redis, env);
    await store.save('org', stored);
    const found = await Promise.all([
      store.item('org', `msg_${hex}`),
      store.item('org', `fc_${hex}_0`),
      store.item('org', `msg_${hex}`),
      store.item('other-org', `msg_${hex}`),
    ]);
    expect(found.map((i) => i?.id ?? null)).toEqual([
      `msg_${hex}`,
      `fc_${hex}_0`,
      `msg_${hex}`,
      null,
    ]);
    expect(gets).toEqual([`t:gw:resp:org:resp_${hex}`, `t:gw:resp:other-org:resp_${hex}`]);
    expect((await store.item('org', `msg_${hex}`))?.id).toBe(`msg_${hex}`);
    expect(gets).toHaveLength(3);
    expect(await store.item('org', 'msg_unknown')).toBeNull();
    expect(gets).toHaveLength(3);
  });

  it('does not serve a lookup started after a delete from a read begun before it', async () => {
    const { redis } = fakeRedis();
    const store = new ResponseStore(redis, env);
    await store.save('org', stored);
    const before = store.item('org', `msg_${hex}`);
    await store.delete('org', `resp_${hex}`);
    expect(await store.item('org', `msg_${hex}`)).toBeNull();
    await before;
  });

  it('names the body limit as what references may add to a request', () => {
    expect(new ResponseStore(fakeRedis().redis, env).referenceLimits).toEqual({
      maxResolvedBytes: 1234,
    });
  });
});
