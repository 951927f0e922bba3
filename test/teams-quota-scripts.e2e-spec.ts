import { randomUUID } from 'node:crypto';
import {
  type AdmissionRequest,
  type CallFinish,
  CustomerLimit,
  LimitsService,
  METERING_REDIS,
  QuotaService,
  UsageStatus,
} from '@velvet/metering';
import type IORedis from 'ioredis';
import { addKey, type RunningGateway, seedOrg, startGateway } from './support/gateway';

/**
 * The team scope in the admission scripts, through the gateway's own QuotaService on a real
 * Redis: both the two-step path (BEGIN_LUA, then FINISH_LUA) and the one-step path
 * (ADMIT_FINISH_LUA) count a team's keys together and refuse naming the team.
 */
describe('gateway: the team scope in both admission paths', () => {
  let gw: RunningGateway;
  let quota: QuotaService;
  let limits: LimitsService;
  let redis: IORedis;

  beforeAll(async () => {
    gw = await startGateway({ GATEWAY_INGEST_USAGE: 'false' });
    quota = gw.app.get(QuotaService);
    limits = gw.app.get(LimitsService);
    redis = gw.app.get<IORedis>(METERING_REDIS);
  });
  afterAll(() => gw?.close());

  /** An organisation with a team of two keys and one key outside it, and the team's limits. */
  async function teamWith(values: Partial<CustomerLimit>) {
    const org = await seedOrg(gw);
    const [team] = (await gw.db.query(
      `INSERT INTO teams (organization_id, name) VALUES ($1, 'T') RETURNING id`,
      [org.organizationId],
    )) as { id: string }[];
    const second = await addKey(gw, org.organizationId);
    const loner = await addKey(gw, org.organizationId);
    await gw.db.query(`UPDATE api_keys SET team_id = $1 WHERE id = ANY($2::uuid[])`, [
      team.id,
      [org.apiKeyId, second.apiKeyId],
    ]);
    await gw.db.getRepository(CustomerLimit).save({
      organizationId: org.organizationId,
      teamId: team.id,
      apiKeyId: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
      spendCapMicros: null,
      ...values,
    });
    await limits.refresh();
    return { org, teamId: team.id, keys: [org.apiKeyId, second.apiKeyId], loner: loner.apiKeyId };
  }
  const req = (organizationId: string, apiKeyId: string, teamId: string | null, cost = 30n) =>
    ({
      organizationId,
      apiKeyId,
      teamId,
      requestId: randomUUID(),
      estimatedTokens: 10,
      estimatedCostMicros: cost,
    }) as AdmissionRequest;
  const finishOf = (r: AdmissionRequest, cost = 30n): CallFinish => ({
    usage: {
      requestId: r.requestId,
      organizationId: r.organizationId,
      apiKeyId: r.apiKeyId,
      modelId: randomUUID(),
      tier: 'standard',
      inputTokens: 4,
      outputTokens: 4,
      costMicros: cost,
      currency: 'USD',
      latencyMs: 1,
      status: UsageStatus.Succeeded,
      streamed: false,
      occurredAt: new Date(),
    },
    audit: null,
    idempotency: null,
  });
  const month = () => {
    const d = new Date();
    return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };

  it('two-step path: the team’s requests per minute are shared by its keys, and the refusal names the team', async () => {
    const { org, teamId, keys, loner } = await teamWith({ requestsPerMinute: 3 });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        quota.begin({
          ...req(org.organizationId, keys[i % 2], teamId),
          idempotency: null,
          record: '{}',
        }),
      ),
    );
    expect(results.filter((r) => r.kind === 'admitted')).toHaveLength(3);
    for (const r of results.filter((r) => r.kind === 'denied'))
      expect(r).toMatchObject({ denial: { scope: 'team', kind: 'requests', limit: '3' } });
    const outside = await quota.begin({
      ...req(org.organizationId, loner, null),
      idempotency: null,
      record: '{}',
    });
    expect(outside.kind).toBe('admitted');
  });

  it('two-step path: a team cap holds a call’s worst case at begin and counts its real cost at finish', async () => {
    const { org, teamId, keys } = await teamWith({ spendCapMicros: 100n as never });
    const r = req(org.organizationId, keys[0], teamId, 70n);
    const begun = await quota.begin({ ...r, idempotency: null, record: '{}' });
    if (begun.kind !== 'admitted') throw new Error(JSON.stringify(begun));
    expect(begun.admission.teamId).toBe(teamId);
    const scope = `${gw.env.QUEUE_PREFIX}:gw:t:${teamId}`;
    expect(await redis.get(`${scope}:hs`)).toBe('70');
    // the other key of the team cannot take what the first one holds
    const held = await quota.begin({
      ...req(org.organizationId, keys[1], teamId, 40n),
      idempotency: null,
      record: '{}',
    });
    expect(held).toMatchObject({ kind: 'denied', denial: { scope: 'team', kind: 'spend_held' } });
    expect(await quota.finish(begun.admission, finishOf(r, 50n))).toBe('finished');
    expect(await redis.get(`${scope}:hs`)).toBe('0');
    expect(await redis.get(`${scope}:sp:${month()}`)).toBe('50');
  });

  it('one-step path: concurrent calls never spend past the team’s cap, and the refusal names the team', async () => {
    const { org, teamId, keys } = await teamWith({ spendCapMicros: 100n as never });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const r = req(org.organizationId, keys[i % 2], teamId);
        return quota.admitAndFinish(r, finishOf(r));
      }),
    );
    expect(results.filter((r) => r.kind === 'finished')).toHaveLength(3);
    for (const r of results.filter((r) => r.kind === 'denied'))
      expect(r).toMatchObject({ denial: { scope: 'team', kind: 'spend', limit: '100' } });
    expect(await redis.get(`${gw.env.QUEUE_PREFIX}:gw:t:${teamId}:sp:${month()}`)).toBe('90');
  });

  it('one-step path: a key’s own limit still applies under its team’s, and is named as the key’s', async () => {
    const { org, teamId, keys } = await teamWith({ requestsPerMinute: 100 });
    await gw.db.getRepository(CustomerLimit).save({
      organizationId: org.organizationId,
      teamId: null,
      apiKeyId: keys[0],
      requestsPerMinute: 1,
      tokensPerMinute: null,
      spendCapMicros: null,
    });
    await limits.refresh();
    const first = req(org.organizationId, keys[0], teamId);
    expect((await quota.admitAndFinish(first, finishOf(first))).kind).toBe('finished');
    const second = req(org.organizationId, keys[0], teamId);
    expect(await quota.admitAndFinish(second, finishOf(second))).toMatchObject({
      kind: 'denied',
      denial: { scope: 'api_key', kind: 'requests', limit: '1' },
    });
  });
  it('moves a scope’s arrival times once per call: a finish corrects the tokens, a retry counts once, a refusal leaves nothing', async () => {
    // 600 tokens a minute: 100 ms per token; 100 requests a minute: 600 ms per request
    const { org, teamId, keys } = await teamWith({ requestsPerMinute: 100, tokensPerMinute: 600 });
    const rateState = async () => {
      const scope = `${gw.env.QUEUE_PREFIX}:gw:t:${teamId}`;
      const [rq, tk] = await redis.mget(`${scope}:rq`, `${scope}:tk`);
      return { rq: Number(rq ?? 0), tk: Number(tk ?? 0) };
    };
    const r = req(org.organizationId, keys[0], teamId);
    const begun = await quota.begin({ ...r, idempotency: null, record: '{}' });
    if (begun.kind !== 'admitted') throw new Error(JSON.stringify(begun));
    const reserved = await rateState(); // 10 tokens reserved: 1,000 ms ahead
    expect(reserved.tk - reserved.rq).toBeGreaterThan(0);
    expect(await quota.finish(begun.admission, finishOf(r))).toBe('finished');
    const settled = await rateState(); // 8 tokens used: 200 ms given back, requests untouched
    expect(settled).toEqual({ rq: reserved.rq, tk: reserved.tk - 200 });

    const once = req(org.organizationId, keys[1], teamId);
    expect((await quota.admitAndFinish(once, finishOf(once))).kind).toBe('finished');
    const afterOnce = await rateState();
    expect(afterOnce.rq).toBeCloseTo(settled.rq + 600, 0);
    expect(await quota.admitAndFinish(once, finishOf(once))).toEqual({ kind: 'already' });
    expect(await rateState()).toEqual(afterOnce);

    const huge = { ...req(org.organizationId, keys[0], teamId), estimatedTokens: 1000 };
    expect(await quota.admitAndFinish(huge, finishOf(huge))).toMatchObject({
      kind: 'denied',
      denial: { scope: 'team', kind: 'too_large' },
    });
    expect(await rateState()).toEqual(afterOnce);
    expect(await redis.keys(`${gw.env.QUEUE_PREFIX}:*done:${huge.requestId}`)).toEqual([]);
    // the refused call's id is free: the same call, within its limits, is then admitted
    const fits = { ...huge, estimatedTokens: 10 };
    expect((await quota.admitAndFinish(fits, finishOf(fits))).kind).toBe('finished');
  });
});
