import { type ApiKey, type ApiKeysService, generateKeyMaterial } from '@velvet/api-keys';
import { type Organization, OrganizationStatus } from '@velvet/organizations';
import type IORedis from 'ioredis';
import type { Repository } from 'typeorm';
import type { GatewayEnv } from '../env';
import { KeyAuthenticator } from './key-authenticator';

/** The database as the authenticator sees it: one key row, a revocation flag, and loads the test can hold. */
function setUp() {
  const material = generateKeyMaterial();
  const state = {
    revoked: false,
    orgStatus: OrganizationStatus.Active,
    loads: 0,
    polls: 0,
    hold: null as Promise<void> | null,
    validUntil: null as Date | null,
  };
  const keys = {
    authenticatePresented: async () => {
      state.loads++;
      const revoked = state.revoked; // read at the start of the query, like a snapshot
      if (state.hold) await state.hold;
      return revoked
        ? null
        : {
            apiKey: { id: 'key-1', organizationId: 'org-1', createdBy: null } as unknown as ApiKey,
            validUntil: state.validUntil,
          };
    },
    touch: async () => undefined,
  } as unknown as ApiKeysService;
  const organizations = {
    findOne: async () => ({ id: 'org-1', status: state.orgStatus }),
    // The revocation poll: which of the given live keys are no longer valid.
    query: async (_sql: string, [ids]: [string[]]) => {
      state.polls++;
      return ids
        .filter(() => state.revoked || state.orgStatus !== OrganizationStatus.Active)
        .map((id) => ({ id }));
    },
  } as unknown as Repository<Organization>;
  const auth = new KeyAuthenticator(
    keys,
    organizations,
    { GATEWAY_CACHE_TTL_MS: 1000 } as GatewayEnv,
    {} as IORedis,
  );
  return { auth, state, header: `Bearer ${material.key}` };
}

describe('KeyAuthenticator', () => {
  afterEach(() => jest.useRealTimers());

  it('serves a key from the cache, and drops it on a revocation message', async () => {
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    await auth.authenticate(header);
    expect(state.loads).toBe(1);
    state.revoked = true;
    auth.invalidate('key:other-key');
    await auth.authenticate(header);
    expect(state.loads).toBe(1);
    auth.invalidate('key:key-1');
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
  });

  it('drops every key of an organisation on an organisation message', async () => {
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    state.orgStatus = OrganizationStatus.Disabled;
    auth.invalidate('org:org-1');
    await expect(auth.authenticate(header)).rejects.toMatchObject({
      status: 403,
      code: 'organization_disabled',
    });
  });

  it('never lets a call arriving after a revocation join, or cache, a load that started before it', async () => {
    const { auth, state, header } = setUp();
    let release!: () => void;
    state.hold = new Promise((r) => (release = r));
    const early = auth.authenticate(header); // its query reads the key as live
    state.revoked = true;
    auth.invalidate('key:key-1');
    const late = auth.authenticate(header);
    state.hold = null;
    release();
    await expect(early).resolves.toMatchObject({ apiKeyId: 'key-1' });
    await expect(late).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
  });

  it('keeps a busy key fresh with one poll for all live keys, which drops revoked ones', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    for (let t = 250; t <= 2000; t += 250) {
      jest.setSystemTime(1_000_000 + t);
      await auth.poll(); // checked as of now
      await expect(auth.authenticate(header)).resolves.toMatchObject({ apiKeyId: 'key-1' });
    }
    expect(state.loads).toBe(1);
    state.revoked = true; // behind the cache's back: no message
    await auth.poll();
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
    expect(state.loads).toBe(2);
  });

  it('polls only keys in use: a key idle for 10 s costs no query until its next call reloads it', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    jest.setSystemTime(1_000_000 + 9_999);
    await auth.poll();
    expect(state.polls).toBe(1);
    jest.setSystemTime(1_000_000 + 10_000);
    await auth.poll(); // idle for 10 s: nothing to check, no query
    expect(state.polls).toBe(1);
    state.revoked = true; // behind the cache's back, while nobody polls it
    jest.setSystemTime(1_000_000 + 20_000);
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
    expect(state.loads).toBe(2);
  });

  it('falls back to synchronous reloads when the poll fails', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    (auth as unknown as { organizations: { query: () => Promise<never> } }).organizations.query =
      async () => {
        throw new Error('database down');
      };
    jest.setSystemTime(1_000_000 + 400);
    await auth.poll();
    jest.setSystemTime(1_000_000 + 500);
    state.revoked = true;
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
  });

  it('revalidates synchronously past the staleness bound, even with no message', async () => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    const { auth, state, header } = setUp();
    await auth.authenticate(header);
    state.revoked = true; // behind the cache's back
    jest.setSystemTime(1_000_000 + 249);
    await auth.authenticate(header); // young: served without a query
    expect(state.loads).toBe(1);
    jest.setSystemTime(1_000_000 + 500);
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
    expect(state.loads).toBe(2);
  });

  it('refuses a cached secret once it is past its validity (expiry, or the end of a rotation grace) without a reload', async () => {
    const { auth, state, header } = setUp();
    jest.useFakeTimers({ now: 1_000_000 });
    state.validUntil = new Date(1_000_100);
    await auth.authenticate(header);
    const loads = state.loads;
    jest.setSystemTime(1_000_100);
    await expect(auth.authenticate(header)).rejects.toMatchObject({ status: 401 });
    expect(state.loads).toBe(loads);
  });
});
