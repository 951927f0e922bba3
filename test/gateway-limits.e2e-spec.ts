import { LimitsService, METERING_REDIS } from '@velvet/metering';
import type IORedis from 'ioredis';
import OpenAI from 'openai';
type APIError = InstanceType<typeof OpenAI.APIError>;
import {
  addKey,
  auditEntries,
  callIdOf,
  client,
  grantTier,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

const messages = [{ role: 'user' as const, content: 'a prompt of a fixed length' }];

/** Fires `n` calls at once; returns how many got through and the errors of the others. */
async function burst(
  c: OpenAI,
  n: number,
  body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
) {
  const results = await Promise.allSettled(
    Array.from({ length: n }, () =>
      c.chat.completions.create({ model: 'velvet-lite', messages, ...body }),
    ),
  );
  const errors = results
    .filter((r) => r.status === 'rejected')
    .map((r) => (r as PromiseRejectedResult).reason as APIError);
  return { ok: n - errors.length, errors };
}

describe('gateway: limits and premium audit', () => {
  let gw: RunningGateway;
  let limits: LimitsService;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: 'velvet-lite', inputPrice: 1_000_000n, outputPrice: 2_000_000n });
    await seedModel(gw, {
      slug: 'velvet-opus',
      tier: 'premium',
      inputPrice: 15_000_000n,
      outputPrice: 75_000_000n,
    });
    await refreshCatalog(gw);
    limits = gw.app.get(LimitsService);
  });
  afterAll(() => gw?.close());

  it('lets exactly the remaining requests of a nearly exhausted per-minute limit through a concurrent burst', async () => {
    const org = await seedOrg(gw);
    await limits.setOverride({
      organizationId: org.organizationId,
      requestsPerMinute: 10,
      reason: 'test',
      actorUserId: null,
    });
    const c = client(gw, org.key);
    for (let i = 0; i < 6; i++) await c.chat.completions.create({ model: 'velvet-lite', messages });
    // OpenAI's rate-limit headers: the limit, what is left of it, and when it is whole again.
    const { response } = await c.chat.completions
      .create({ model: 'velvet-lite', messages })
      .withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('3');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$/);
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(0);
    const { ok, errors } = await burst(c, 20);
    expect(ok).toBe(3);
    expect(errors).toHaveLength(17);
    for (const e of errors) {
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.code).toBe('rate_limit_exceeded');
      // GCRA: one request of a 10/min limit returns within 6 s; the wait is exact, never "next month".
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(e.headers?.get('retry-after'))).toBeLessThanOrEqual(6);
      expect(e.headers?.get('x-should-retry')).toBe('true');
    }
  });

  it('throttles one key through an override (as the detection engine does) and lifts it again', async () => {
    const org = await seedOrg(gw);
    const other = await addKey(gw, org.organizationId);
    await limits.setOverride({
      organizationId: org.organizationId,
      apiKeyId: org.apiKeyId,
      requestsPerMinute: 0,
      reason: 'suspected distillation',
      actorUserId: null,
    });
    await expect(
      client(gw, org.key).chat.completions.create({ model: 'velvet-lite', messages }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(
      client(gw, other.key).chat.completions.create({ model: 'velvet-lite', messages }),
    ).resolves.toBeDefined();
    await limits.setOverride({
      organizationId: org.organizationId,
      apiKeyId: org.apiKeyId,
      requestsPerMinute: null,
      tokensPerMinute: 100,
      reason: 'tokens only',
      actorUserId: null,
    });
    const tokens = await client(gw, org.key)
      .chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 200 })
      .catch((e: APIError) => e);
    expect(tokens).toBeInstanceOf(OpenAI.RateLimitError);
    expect((tokens as APIError).type).toBe('tokens');
    await limits.clearOverride({ organizationId: org.organizationId, apiKeyId: org.apiKeyId });
    await expect(
      client(gw, org.key).chat.completions.create({
        model: 'velvet-lite',
        messages,
        max_tokens: 200,
      }),
    ).resolves.toBeDefined();
  });

  it('never lets a concurrent burst spend past a nearly exhausted spend cap', async () => {
    const org = await seedOrg(gw);
    const c = client(gw, org.key);
    for (let i = 0; i < 3; i++)
      await c.chat.completions.create({ model: 'velvet-lite', messages, max_tokens: 16 });
    const before = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3);
    const spent = before.reduce((s, r) => s + BigInt(r.cost_micros as string), 0n);
    // Worst case of one call: prompt estimate at 1 micro/token + 16 output tokens at 2 micros/token.
    const worst = BigInt(before[0].input_tokens as number) + 32n;
    const cap = spent + 2n * worst + 1n;
    await limits.setOverride({
      organizationId: org.organizationId,
      spendCapMicros: cap,
      reason: 'budget',
      actorUserId: null,
    });
    const { ok, errors } = await burst(c, 20, { max_tokens: 16 });
    expect(ok).toBeGreaterThanOrEqual(2);
    expect(ok).toBeLessThan(20);
    // Calls in flight hold the rest of the cap (transient), or the cap is spent (a hard stop).
    expect(
      errors.every(
        (e) =>
          e instanceof OpenAI.RateLimitError &&
          ['spend_cap_held', 'insufficient_quota'].includes(e.code!),
      ),
    ).toBe(true);
    const after = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3 + ok);
    expect(after).toHaveLength(3 + ok);
    expect(after.reduce((s, r) => s + BigInt(r.cost_micros as string), 0n)).toBeLessThanOrEqual(
      cap,
    );
  });

  it('serves premium calls only once their started record is accepted, and refuses them (503 before any content, no charge) when it is not', async () => {
    const org = await seedOrg(gw);
    await grantTier(gw, org.organizationId, 'premium');
    const c = client(gw, org.key);
    const redis = gw.app.get<IORedis>(METERING_REDIS);

    const plain = await c.chat.completions
      .create({ model: 'velvet-opus', messages })
      .withResponse();
    const { data: stream, response } = await c.chat.completions
      .create({ model: 'velvet-opus', messages, stream: true })
      .withResponse();
    for await (const chunk of stream) void chunk;
    const entries = await auditEntries(gw);
    expect(
      entries
        .filter((e) => [callIdOf(plain.response), callIdOf(response)].includes(e.eventId))
        .map((e) => e.status),
    ).toEqual(['succeeded', 'succeeded']);

    // Without Redis no call can begin: its started record (and its limits) cannot be kept.
    redis.disconnect();
    try {
      const refused = await c.chat.completions
        .create({ model: 'velvet-opus', messages })
        .catch((e: APIError) => e);
      expect([(refused as APIError).status, (refused as APIError).code]).toEqual([
        503,
        'audit_unavailable',
      ]);
      // A stream is refused with an HTTP error, before any content.
      const refusedStream = await c.chat.completions
        .create({ model: 'velvet-opus', messages, stream: true })
        .catch((e: APIError) => e);
      expect([(refusedStream as APIError).status, (refusedStream as APIError).code]).toEqual([
        503,
        'audit_unavailable',
      ]);
    } finally {
      await redis.connect();
    }
    await expect(
      c.chat.completions.create({ model: 'velvet-lite', messages }),
    ).resolves.toBeDefined();
    const rows = await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await waitForUsage(gw, 'organization_id = $1', [org.organizationId], 4, 200)).map(
        (r) => r.status,
      ),
    ).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(rows).toHaveLength(3);
  });
});
