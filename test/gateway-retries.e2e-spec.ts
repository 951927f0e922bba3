import { LimitsService } from '@velvet/metering';
import OpenAI from 'openai';
import {
  countingFetch,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

type APIError = InstanceType<typeof OpenAI.APIError>;
const messages = [{ role: 'user' as const, content: 'a prompt of a fixed length' }];

/**
 * The official SDK at its default retry settings (2 retries, backoff from the server's headers)
 * against every kind of refusal: hard stops end at the first answer (`x-should-retry: false`),
 * transient ones after a short, exact wait. Asserted: each call ends, and how many attempts it made.
 */
describe('gateway: refusals and the SDKs default retries', () => {
  let gw: RunningGateway;
  let limits: LimitsService;
  const counting = countingFetch();
  /** Default maxRetries (2) and timeout: only the fetch is wrapped, to count attempts. */
  const sdk = (key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, fetch: counting.fetch });
  const attempt = async (
    key: string,
    body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
  ) => {
    counting.reset();
    const result = await sdk(key)
      .chat.completions.create({ model: 'velvet-lite', messages, ...body })
      .then(
        (r) => r,
        (e: APIError) => e,
      );
    return { result, attempts: counting.attempts() };
  };

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, { slug: 'velvet-lite', inputPrice: 1_000_000n, outputPrice: 2_000_000n });
    await seedModel(gw, { slug: 'velvet-opus', tier: 'premium' });
    await refreshCatalog(gw);
    limits = gw.app.get(LimitsService);
  });
  afterAll(() => gw?.close());

  it('stops at once on an exhausted spend cap: 429 insufficient_quota, x-should-retry false, no long retry-after', async () => {
    const org = await seedOrg(gw);
    await limits.setOverride({
      organizationId: org.organizationId,
      spendCapMicros: 1n,
      reason: 'test',
      actorUserId: null,
    });
    const { result, attempts: n } = await attempt(org.key);
    const e = result as APIError;
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect([e.status, e.code, e.type]).toEqual([429, 'insufficient_quota', 'insufficient_quota']);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(Number(e.headers?.get('retry-after') ?? 0)).toBeLessThanOrEqual(60);
    expect(n).toBe(1);
  });

  it('stops at once for a call larger than the tokens-per-minute limit, and for a limit of zero', async () => {
    const org = await seedOrg(gw);
    await limits.setOverride({
      organizationId: org.organizationId,
      tokensPerMinute: 50,
      reason: 'test',
      actorUserId: null,
    });
    const large = await attempt(org.key, { max_tokens: 200 });
    expect([
      (large.result as APIError).status,
      (large.result as APIError).code,
      large.attempts,
    ]).toEqual([429, 'request_too_large', 1]);
    await limits.setOverride({
      organizationId: org.organizationId,
      tokensPerMinute: null,
      requestsPerMinute: 0,
      reason: 'blocked',
      actorUserId: null,
    });
    const blocked = await attempt(org.key);
    expect([
      (blocked.result as APIError).status,
      (blocked.result as APIError).code,
      blocked.attempts,
    ]).toEqual([429, 'rate_limit_blocked', 1]);
  });

  it('stops at once on a locked model (no contract covering it)', async () => {
    const org = await seedOrg(gw);
    const { result, attempts: n } = await attempt(org.key, { model: 'velvet-opus' });
    expect(result).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(n).toBe(1);
  });

  it('waits out a per-minute limit for exactly as long as it takes, then succeeds', async () => {
    const org = await seedOrg(gw);
    // 120 a minute: one request's worth returns every 0.5 s.
    await limits.setOverride({
      organizationId: org.organizationId,
      requestsPerMinute: 120,
      reason: 'test',
      actorUserId: null,
    });
    const noRetry = new OpenAI({ apiKey: org.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const burst = await Promise.allSettled(
      Array.from({ length: 140 }, () =>
        noRetry.chat.completions.create({ model: 'velvet-lite', messages }),
      ),
    );
    const refused = burst
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as APIError);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect([e.status, e.code, e.headers?.get('x-should-retry')]).toEqual([
        429,
        'rate_limit_exceeded',
        'true',
      ]);
      expect(Number(e.headers?.get('retry-after-ms'))).toBeLessThanOrEqual(1000);
    }
    const { result, attempts: n } = await attempt(org.key);
    expect(result).toHaveProperty('object', 'chat.completion');
    expect(n).toBeLessThanOrEqual(3);
  });
});
