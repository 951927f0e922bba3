import { AuditProducer } from '@velvet/audit';
import { LimitsService } from '@velvet/metering';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import OpenAI from 'openai';
type APIError = InstanceType<typeof OpenAI.APIError>;
import { addKey, client, grantTier, refreshCatalog, type RunningGateway, seedModel, seedOrg, seedTiers, startGateway, waitForUsage } from './support/gateway';

const messages = [{ role: 'user' as const, content: 'a prompt of a fixed length' }];
const settle = () => new Promise((r) => setTimeout(r, 300));
/** Per-minute windows are fixed: start a window-sensitive test well inside one. */
async function awayFromMinuteBoundary(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
}

/** Fires `n` calls at once; returns how many got through and the errors of the others. */
async function burst(c: OpenAI, n: number, body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) {
  const results = await Promise.allSettled(
    Array.from({ length: n }, () => c.chat.completions.create({ model: 'velvet-lite', messages, ...body })),
  );
  const errors = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as APIError);
  return { ok: n - errors.length, errors };
}

describe('gateway: limits and premium audit', () => {
  let gw: RunningGateway;
  let limits: LimitsService;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: 'velvet-lite', inputPrice: 1_000_000n, outputPrice: 2_000_000n });
    await seedModel(gw, { slug: 'velvet-opus', tier: 'premium', inputPrice: 15_000_000n, outputPrice: 75_000_000n });
    await refreshCatalog(gw);
    limits = gw.app.get(LimitsService);
  });
  afterAll(() => gw?.close());

  it('lets exactly the remaining requests of a nearly exhausted per-minute limit through a concurrent burst', async () => {
    const org = await seedOrg(gw);
    await limits.setOverride({ organizationId: org.organizationId, requestsPerMinute: 10, reason: 'test', actorUserId: null });
    await awayFromMinuteBoundary();
    const c = client(gw, org.key);
    for (let i = 0; i < 7; i++) await c.chat.completions.create({ model: 'velvet-lite', messages });
    const { ok, errors } = await burst(c, 20);
    expect(ok).toBe(3);
    expect(errors).toHaveLength(17);
    for (const e of errors) {
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.code).toBe('rate_limit_exceeded');
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('throttles one key through an override (as the detection engine does) and lifts it again', async () => {
    const org = await seedOrg(gw);
    const other = await addKey(gw, org.organizationId);
    await limits.setOverride({ organizationId: org.organizationId, apiKeyId: org.apiKeyId, requestsPerMinute: 0, reason: 'suspected distillation', actorUserId: null });
    await expect(client(gw, org.key).chat.completions.create({ model: 'velvet-lite', messages })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(client(gw, other.key).chat.completions.create({ model: 'velvet-lite', messages })).resolves.toBeDefined();
    await limits.setOverride({ organizationId: org.organizationId, apiKeyId: org.apiKeyId, requestsPerMinute: null, tokensPerMinute: 100, reason: 'tokens only', actorUserId: null });
    const tokens = await client(gw, org.key).chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 200 }).catch((e: APIError) => e);
    expect(tokens).toBeInstanceOf(OpenAI.RateLimitError);
    expect((tokens as APIError).type).toBe('tokens');
    await limits.clearOverride({ organizationId: org.organizationId, apiKeyId: org.apiKeyId });
    await expect(client(gw, org.key).chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 200 })).resolves.toBeDefined();
  });

  it('never lets a concurrent burst spend past a nearly exhausted spend cap', async () => {
    const org = await seedOrg(gw);
    const c = client(gw, org.key);
    for (let i = 0; i < 3; i++) await c.chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 16 });
    const before = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3);
    const spent = before.reduce((s, r) => s + BigInt(r.cost_micros as string), 0n);
    // Worst case of one call: prompt estimate at 1 micro/token + 16 output tokens at 2 micros/token.
    const worst = BigInt(before[0].input_tokens as number) + 32n;
    const cap = spent + 2n * worst + 1n;
    await limits.setOverride({ organizationId: org.organizationId, spendCapMicros: cap, reason: 'budget', actorUserId: null });
    const { ok, errors } = await burst(c, 20, { max_tokens: 16 });
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(ok).toBeLessThan(20);
    expect(errors.every((e) => e instanceof OpenAI.RateLimitError && e.code === 'spend_cap_reached')).toBe(true);
    const after = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3 + ok);
    expect(after).toHaveLength(3 + ok);
    expect(after.reduce((s, r) => s + BigInt(r.cost_micros as string), 0n)).toBeLessThanOrEqual(cap);
  });

  it('serves premium calls only once their audit record is accepted, and refuses them (503, no charge) when it is not', async () => {
    const org = await seedOrg(gw);
    await grantTier(gw, org.organizationId, 'premium');
    const c = client(gw, org.key);
    const redis = gw.app.get<IORedis>(REDIS);
    const jobKey = (idem: string) => `audit:a-${org.organizationId}_${idem}`;

    await c.chat.completions.create({ model: 'velvet-opus', messages }, { headers: { 'Idempotency-Key': 'p-1' } });
    const stream = await c.chat.completions.create({ model: 'velvet-opus', messages, stream: true }, { headers: { 'Idempotency-Key': 'p-2' } });
    for await (const chunk of stream) void chunk;
    expect(await redis.exists(jobKey('p-1'), jobKey('p-2'))).toBe(2);

    // Cut the audit producer's Redis connection: it has no offline queue, so adds fail at once.
    const producer = gw.app.get(AuditProducer) as unknown as { queue: { getBackend(): { client: Promise<IORedis> } } };
    (await producer.queue.getBackend().client).disconnect();
    const refused = await c.chat.completions.create({ model: 'velvet-opus', messages }, { headers: { 'Idempotency-Key': 'p-3' } }).catch((e: APIError) => e);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    expect([(refused as APIError).status, (refused as APIError).code]).toEqual([503, 'audit_unavailable']);
    const refusedStream = await c.chat.completions.create({ model: 'velvet-opus', messages, stream: true }, { headers: { 'Idempotency-Key': 'p-4' } });
    let text = '';
    let finished = false;
    const streamError = await (async () => {
      for await (const chunk of refusedStream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finished ||= Boolean(chunk.choices[0]?.finish_reason);
      }
    })().catch((e: unknown) => e);
    expect(streamError).toBeInstanceOf(OpenAI.APIError);
    expect(String((streamError as Error).message)).toContain('audit');
    expect(finished).toBe(false);
    // Standard models do not need the audit log.
    await expect(c.chat.completions.create({ model: 'velvet-lite', messages })).resolves.toBeDefined();

    await settle();
    const rows = await waitForUsage(gw, 'request_id LIKE $1', [`${org.organizationId}:p-%`], 4);
    expect(rows.map((r) => [r.request_id, r.status, r.cost_micros === '0'])).toEqual([
      [`${org.organizationId}:p-1`, 'succeeded', false],
      [`${org.organizationId}:p-2`, 'succeeded', false],
      [`${org.organizationId}:p-3`, 'failed', true],
      [`${org.organizationId}:p-4`, 'failed', true],
    ]);
    expect(text.length).toBeGreaterThan(0);
  });
});
