import { randomUUID } from 'node:crypto';
import {
  type Admission,
  type CallFinish,
  LimitsService,
  METERING_REDIS,
  QuotaService,
  UsageStatus,
} from '@velvet/metering';
import type IORedis from 'ioredis';
import { type RunningGateway, seedOrg, startGateway } from './support/gateway';

/**
 * The begin / checkpoint / finish scripts on a real Redis, through the gateway's own QuotaService:
 * the idempotency state machine, GCRA limits with exact waits, a call finished once, and a reaper
 * that only takes calls whose owner is gone.
 */
describe('gateway: the call scripts (begin, checkpoint, finish) on Redis', () => {
  let gw: RunningGateway;
  let quota: QuotaService;
  let redis: IORedis;
  let org: { organizationId: string; apiKeyId: string };

  beforeAll(async () => {
    gw = await startGateway({ GATEWAY_INGEST_USAGE: 'false' });
    quota = gw.app.get(QuotaService);
    redis = gw.app.get<IORedis>(METERING_REDIS);
    org = await seedOrg(gw);
  });
  afterAll(() => gw?.close());

  const call = (idem: { key: string; bodyHash: string } | null = null) => ({
    organizationId: org.organizationId,
    apiKeyId: org.apiKeyId,
    requestId: randomUUID(),
    estimatedTokens: 10,
    estimatedCostMicros: 100n,
    idempotency: idem,
    record: '{}',
  });
  const finishOf = (a: Admission, idempotency: CallFinish['idempotency'] = null): CallFinish => ({
    usage: {
      requestId: a.requestId,
      organizationId: a.organizationId,
      apiKeyId: a.apiKeyId,
      modelId: randomUUID(),
      tier: 'standard',
      inputTokens: 4,
      outputTokens: 4,
      costMicros: 12n,
      currency: 'USD',
      latencyMs: 1,
      status: UsageStatus.Succeeded,
      streamed: false,
      occurredAt: new Date(),
    },
    audit: null,
    idempotency,
  });
  const admitted = async (c: ReturnType<typeof call>) => {
    const r = await quota.begin(c);
    if (r.kind !== 'admitted') throw new Error(`not admitted: ${JSON.stringify(r)}`);
    return r;
  };

  it('claims an Idempotency-Key: in use while running, replayed once finished, refused for another body, released on failure', async () => {
    const key = `${org.organizationId}:k-${randomUUID()}`;
    const first = await admitted(call({ key, bodyHash: 'h1' }));
    expect(await quota.begin(call({ key, bodyHash: 'h1' }))).toEqual({ kind: 'in_use' });
    expect(await quota.begin(call({ key, bodyHash: 'h2' }))).toEqual({ kind: 'reused' });
    expect(
      await quota.finish(first.admission, finishOf(first.admission, { store: 'stored response' })),
    ).toBe('finished');
    expect(await quota.begin(call({ key, bodyHash: 'h1' }))).toEqual({
      kind: 'replay',
      stored: 'stored response',
    });
    expect(await redis.ttl(`${gw.env.QUEUE_PREFIX}:gw:idem:${key}`)).toBeGreaterThan(23 * 3600);

    const other = `${org.organizationId}:k-${randomUUID()}`;
    const failed = await admitted(call({ key: other, bodyHash: 'h1' }));
    await quota.finish(failed.admission, finishOf(failed.admission, 'release'));
    expect((await quota.begin(call({ key: other, bodyHash: 'h1' }))).kind).toBe('admitted');
  });

  it('finishes a call once: a retried finish (its reply lost) learns it was applied, and the usage record is appended once', async () => {
    const { admission } = await admitted(call());
    const before = await redis.xlen(quota.streamKey());
    expect(await quota.finish(admission, finishOf(admission))).toBe('finished');
    expect(await quota.finish(admission, finishOf(admission))).toBe('already');
    expect((await redis.xlen(quota.streamKey())) - before).toBe(1);
  });

  it('lets a reaper finish only the calls of an owner without a heartbeat, and a reaped call takes no more text', async () => {
    const { admission } = await admitted(call());
    expect(await quota.checkpoint(admission, 'some text')).toBe(true);
    // This process is alive: a reaper leaves its call alone.
    expect(await quota.finish(admission, finishOf(admission), quota.owner, 'reap')).toBe('alive');
    await redis.hset(`${gw.env.QUEUE_PREFIX}:gw:call:${admission.requestId}`, 'o', 'dead-owner');
    expect(await quota.checkpoint(admission, 'more text')).toBe(false);
    const orphan = (await quota.orphans(0)).find((o) => o.requestId === admission.requestId)!;
    expect(orphan).toMatchObject({ owner: 'dead-owner', delivered: 'some text' });
    expect(orphan.admission).toEqual(admission);
    expect(await quota.finish(admission, finishOf(admission), 'dead-owner', 'reap')).toBe(
      'finished',
    );
    // The owner, back too late, learns its call was finished by a reaper, not by itself.
    expect(await quota.finish(admission, finishOf(admission))).toBe('gone');
    expect((await quota.orphans(0)).some((o) => o.requestId === admission.requestId)).toBe(false);
  });

  it('limits with GCRA: a minute of burst, then an exact wait, and remaining counts in the answer', async () => {
    const o = await seedOrg(gw, 'Gcra');
    await gw.app.get(LimitsService).setOverride({
      organizationId: o.organizationId,
      requestsPerMinute: 3,
      reason: 'test',
      actorUserId: null,
    });
    const c = () => ({ ...call(), organizationId: o.organizationId, apiKeyId: o.apiKeyId });
    const t = new Date();
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await quota.begin(c(), t);
      if (r.kind !== 'admitted') throw new Error('refused within the burst');
      remaining.push(r.limits.requests!.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await quota.begin(c(), t);
    // 3 a minute: the next request's worth returns 20 s after the first.
    expect(refused).toEqual({
      kind: 'denied',
      denial: expect.objectContaining({ kind: 'requests', hard: false, retryAfterMs: 20_000 }),
    });
    expect((await quota.begin(c(), new Date(t.getTime() + 20_000))).kind).toBe('admitted');
  });

  describe('a plain call admitted and finished in one step', () => {
    const usageOf = (
      requestId: string,
      o: { organizationId: string; apiKeyId: string },
      costMicros: bigint,
    ): CallFinish => ({
      usage: {
        requestId,
        organizationId: o.organizationId,
        apiKeyId: o.apiKeyId,
        modelId: randomUUID(),
        tier: 'premium',
        inputTokens: 4,
        outputTokens: 4,
        costMicros,
        currency: 'USD',
        latencyMs: 1,
        status: UsageStatus.Succeeded,
        streamed: false,
        occurredAt: new Date(),
      },
      audit: JSON.stringify({ eventId: requestId }),
      idempotency: null,
    });
    const req = (o: { organizationId: string; apiKeyId: string }, estimatedCostMicros = 100n) => ({
      organizationId: o.organizationId,
      apiKeyId: o.apiKeyId,
      requestId: randomUUID(),
      estimatedTokens: 10,
      estimatedCostMicros,
    });

    it('appends the usage record and the audit entry once: a retried attempt (its reply lost) learns it was applied', async () => {
      const r = req(org);
      const [usage, audit] = [
        await redis.xlen(quota.streamKey()),
        await redis.xlen(quota.auditStreamKey()),
      ];
      expect((await quota.admitAndFinish(r, usageOf(r.requestId, org, 12n))).kind).toBe('finished');
      expect(await quota.admitAndFinish(r, usageOf(r.requestId, org, 12n))).toEqual({
        kind: 'already',
      });
      expect((await redis.xlen(quota.streamKey())) - usage).toBe(1);
      expect((await redis.xlen(quota.auditStreamKey())) - audit).toBe(1);
      // No started record, no hold: nothing for a reaper to find.
      expect(await redis.exists(`${gw.env.QUEUE_PREFIX}:gw:call:${r.requestId}`)).toBe(0);
      expect(await redis.zscore(`${gw.env.QUEUE_PREFIX}:gw:calls`, r.requestId)).toBeNull();
    });

    it('applies the same GCRA limits as a begin, and records nothing for a refused call', async () => {
      const o = await seedOrg(gw, 'OneStepGcra');
      await gw.app.get(LimitsService).setOverride({
        organizationId: o.organizationId,
        requestsPerMinute: 2,
        reason: 'test',
        actorUserId: null,
      });
      const t = new Date();
      const results = [];
      for (let i = 0; i < 3; i++) {
        const r = req(o);
        results.push(await quota.admitAndFinish(r, usageOf(r.requestId, o, 12n), t));
      }
      expect(results.map((r) => r.kind)).toEqual(['finished', 'finished', 'denied']);
      expect(results[2]).toEqual({
        kind: 'denied',
        denial: expect.objectContaining({ kind: 'requests', hard: false, retryAfterMs: 30_000 }),
      });
      const entries = await redis.xrange(quota.streamKey(), '-', '+');
      expect(entries.filter(([, f]) => f[1].includes(o.organizationId))).toHaveLength(2);
    });

    it('never overshoots a spend cap, mixed with begun calls holding their worst case, under concurrency', async () => {
      const o = await seedOrg(gw, 'OneStepCap');
      await gw.app.get(LimitsService).setOverride({
        organizationId: o.organizationId,
        spendCapMicros: 1000n,
        reason: 'test',
        actorUserId: null,
      });
      const oneStep = Array.from({ length: 30 }, () => {
        const r = req(o, 100n);
        return quota.admitAndFinish(r, usageOf(r.requestId, o, 90n));
      });
      const begun = Array.from({ length: 5 }, () =>
        quota.begin({ ...req(o, 100n), idempotency: null, record: '{}' }),
      );
      const [finished, begins] = [await Promise.all(oneStep), await Promise.all(begun)];
      const held = begins.filter((b) => b.kind === 'admitted').length;
      const charged = finished.filter((f) => f.kind === 'finished').length * 90;
      expect(charged + held * 100).toBeLessThanOrEqual(1000);
      expect(finished.some((f) => f.kind === 'denied')).toBe(true);
      const month = `${new Date().getUTCFullYear()}${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;
      expect(
        Number(await redis.get(`${gw.env.QUEUE_PREFIX}:gw:o:${o.organizationId}:sp:${month}`)),
      ).toBe(charged);
    });

    it('guesses "clearly within limits" only from a fresh answer with room to spare', async () => {
      const o = await seedOrg(gw, 'OneStepGuess');
      const r = req(o);
      expect(quota.clearlyWithin(r)).toBe(false);
      expect((await quota.begin({ ...r, idempotency: null, record: '{}' })).kind).toBe('admitted');
      // Calls guessed within their limits count as in flight until settled: a burst turns cautious.
      const burst = Array.from({ length: 600 }, () => quota.clearlyWithin(req(o)));
      expect(burst.filter(Boolean).length).toBeGreaterThan(0);
      expect(burst.filter(Boolean).length).toBeLessThan(600);
    });
  });
});
