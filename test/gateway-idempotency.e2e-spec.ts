import type { INestApplicationContext } from '@nestjs/common';
import OpenAI from 'openai';
import { startAuditWorker, waitFor } from './support/audit-worker';
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream';
import {
  callIdOf,
  countingFetch,
  grantTier,
  openUnlockRule,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

type APIError = InstanceType<typeof OpenAI.APIError>;

/**
 * A hostile customer's attempts to get completions served without being billed and audited:
 * reused Idempotency-Keys with other prompts, concurrent duplicates, streams, a constant
 * X-Request-Id. Counts what the upstream served, the usage rows and the audit log records (a real
 * audit worker, fed through the gateway's audit stream).
 */
describe('gateway: idempotency (Stripe / OpenAI semantics), adversarially', () => {
  let gw: RunningGateway;
  let upstream: FakeUpstream;
  let worker: INestApplicationContext;
  let org: SeededOrg;
  const counting = countingFetch();
  const sdk = (key: string, maxRetries = 0) =>
    new OpenAI({
      apiKey: key,
      baseURL: `${gw.url}/v1`,
      maxRetries,
      timeout: 15_000,
      fetch: counting.fetch,
    });
  const served = (model: string) => upstream.requests.filter((r) => r.body.model === model).length;
  const prompt = (content: string) => [{ role: 'user' as const, content }];

  async function auditCount(organizationId: string): Promise<number> {
    const [{ n }] = (await gw.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1 AND kind = 'premium_call'`,
      [organizationId],
    )) as { n: number }[];
    return n;
  }

  /** Waits until the audit log and the usage table hold what was served, then checks nothing more arrives. */
  async function expectRecorded(organizationId: string, calls: number): Promise<void> {
    await waitFor('audit records', async () => (await auditCount(organizationId)) >= calls);
    await waitForUsage(gw, 'organization_id = $1', [organizationId], calls);
    await new Promise((r) => setTimeout(r, 500));
    expect(await auditCount(organizationId)).toBe(calls);
    const [{ n, ids }] = (await gw.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS ids FROM usage_records WHERE organization_id = $1`,
      [organizationId],
    )) as { n: number; ids: number }[];
    expect([n, ids]).toEqual([calls, calls]);
  }

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway();
    worker = await startAuditWorker(gw.env.DATABASE_URL, gw.env.QUEUE_PREFIX);
    await seedTiers(gw);
    const premium = (slug: string, upstreamModel: string) =>
      seedModel(gw, {
        slug,
        tier: 'premium',
        upstream: {
          kind: 'openai_compatible',
          baseUrl: upstream.baseUrl,
          upstreamModel,
          timeoutMs: 5000,
        },
      });
    await premium('prem-echo', 'echo');
    await premium('prem-dribble', 'dribble');
    await refreshCatalog(gw);
    // The worker runs the entitlement engine too: a rule these organisations meet keeps their unlock.
    await openUnlockRule(gw, 'premium');
    org = await premiumOrg('Hostile');
  });

  async function premiumOrg(name: string): Promise<SeededOrg> {
    const o = await seedOrg(gw, name);
    await gw.db.query(`UPDATE organizations SET verified = true WHERE id = $1`, [o.organizationId]);
    await grantTier(gw, o.organizationId, 'premium');
    return o;
  }
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await upstream?.close();
  });

  it('serves a reused Idempotency-Key with another prompt never: 409 idempotency_key_reused, no retry, nothing served', async () => {
    const before = served('echo');
    const first = await sdk(org.key).chat.completions.create(
      { model: 'prem-echo', messages: prompt('prompt 0') },
      { headers: { 'Idempotency-Key': 'reuse-1' } },
    );
    expect(first.choices[0].message.content).toBe('alpha beta gamma');
    counting.reset();
    for (let i = 1; i < 5; i++) {
      // Default SDK retries: x-should-retry false makes it give up at once.
      const e = (await sdk(org.key, 2)
        .chat.completions.create(
          { model: 'prem-echo', messages: prompt(`prompt ${i}`) },
          { headers: { 'Idempotency-Key': 'reuse-1' } },
        )
        .catch((err: unknown) => err)) as APIError;
      expect(e).toBeInstanceOf(OpenAI.ConflictError);
      expect([e.status, e.code, e.type]).toEqual([
        409,
        'idempotency_key_reused',
        'invalid_request_error',
      ]);
    }
    expect(counting.attempts()).toBe(4);
    expect(served('echo') - before).toBe(1);
  });

  it('replays the stored response for the same key and body (plain and streamed): no upstream call, no charge', async () => {
    const before = served('echo');
    const body = { model: 'prem-echo', messages: prompt('replay me') };
    const opts = { headers: { 'Idempotency-Key': 'replay-1' } };
    const first = await sdk(org.key).chat.completions.create(body, opts).withResponse();
    const again = await sdk(org.key).chat.completions.create(body, opts).withResponse();
    const third = await sdk(org.key).chat.completions.create(body, opts).withResponse();
    expect(again.data).toEqual(first.data);
    expect(third.data).toEqual(first.data);
    expect([first, again, third].map((r) => r.response.headers.get('idempotent-replayed'))).toEqual(
      [null, 'true', 'true'],
    );

    const streamBody = { ...body, stream: true as const, messages: prompt('replay my stream') };
    const read = async () => {
      const { data, response } = await sdk(org.key)
        .chat.completions.create(streamBody, { headers: { 'Idempotency-Key': 'replay-2' } })
        .withResponse();
      let text = '';
      let finish: string | null = null;
      for await (const chunk of data) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { text, finish, replayed: response.headers.get('idempotent-replayed') };
    };
    const s1 = await read();
    const s2 = await read();
    expect(s1).toEqual({ text: 'alpha beta gamma', finish: 'stop', replayed: null });
    expect(s2).toEqual({ ...s1, replayed: 'true' });
    expect(served('echo') - before).toBe(2);
  });

  it('calls the upstream once for concurrent duplicates: the others get 409 idempotency_key_in_use, and a retry gets the replay', async () => {
    const before = served('dribble');
    const body = { model: 'prem-dribble', messages: prompt('concurrent'), stream: true as const };
    const opts = { headers: { 'Idempotency-Key': 'dup-1' } };
    const consume = async () => {
      const stream = await sdk(org.key).chat.completions.create(body, opts);
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    };
    const results = await Promise.allSettled(Array.from({ length: 5 }, consume));
    const ok = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>[];
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as APIError);
    expect(ok).toHaveLength(1);
    expect(refused.map((e) => [e.status, e.code])).toEqual(
      Array(4).fill([409, 'idempotency_key_in_use']),
    );
    expect(refused.every((e) => e.headers?.get('x-should-retry') === 'true')).toBe(true);
    // The SDK's default retries wait out the first call and receive its stored stream.
    const retried = await sdk(org.key, 2).chat.completions.create(body, opts);
    let text = '';
    for await (const chunk of retried) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(ok[0].value);
    expect(text.length).toBeGreaterThan(0);
    expect(served('dribble') - before).toBe(1);
  });

  it('never de-duplicates on X-Request-Id: a constant one is echoed, and every call is served, billed and audited', async () => {
    const before = served('echo');
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { response } = await sdk(org.key)
        .chat.completions.create(
          { model: 'prem-echo', messages: prompt(`same request id ${i}`) },
          { headers: { 'X-Request-Id': 'constant-1' } },
        )
        .withResponse();
      expect(response.headers.get('x-request-id')).toBe('constant-1');
      ids.add(callIdOf(response));
    }
    expect(ids.size).toBe(5);
    expect(served('echo') - before).toBe(5);
  });

  it('scopes keys to the organisation: another tenant with the same key and body is served its own call', async () => {
    const other = await premiumOrg('Other');
    const before = served('echo');
    const body = { model: 'prem-echo', messages: prompt('replay me') };
    const { response } = await sdk(other.key)
      .chat.completions.create(body, { headers: { 'Idempotency-Key': 'replay-1' } })
      .withResponse();
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(served('echo') - before).toBe(1);
    await expectRecorded(other.organizationId, 1);
  });

  it('has exactly one usage row and one audit record per completion the upstream served', async () => {
    // 1 (reuse) + 2 (replays) + 1 (concurrent) + 5 (X-Request-Id)
    await expectRecorded(org.organizationId, 9);
    const statuses = (await gw.db.query(`SELECT status FROM audit_log WHERE organization_id = $1`, [
      org.organizationId,
    ])) as { status: string }[];
    expect(statuses.every((s) => s.status === 'succeeded')).toBe(true);
  });
});
