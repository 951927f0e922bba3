import { METERING_REDIS, QuotaService } from '@velvet/metering';
import type IORedis from 'ioredis';
import OpenAI from 'openai';
import { CallReaper } from '../apps/gateway/src/chat/call-reaper';
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream';
import {
  auditEntries,
  callIdOf,
  client,
  grantTier,
  refreshCatalog,
  type RunningGateway,
  seedModel,
  seedOrg,
  type SeededOrg,
  seedTiers,
  startGateway,
  waitForUsage,
} from './support/gateway';

const messages = [{ role: 'user' as const, content: 'stream a long answer' }];

/**
 * Fail closed for streams, and usage that cannot be lost: streamed text is written ahead into the
 * call's started record before it is sent, so whatever fails mid-stream, the text the client
 * received is billed and audited — and the records say the call was interrupted, not succeeded.
 */
describe('gateway: streams fail closed and bill what was delivered', () => {
  let gw: RunningGateway;
  let upstream: FakeUpstream;
  let org: SeededOrg;
  let redis: IORedis;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway();
    await seedTiers(gw);
    await seedModel(gw, {
      slug: 'prem-dribble',
      tier: 'premium',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'dribble',
        timeoutMs: 5000,
      },
    });
    await seedModel(gw, {
      slug: 'prem-rapid',
      tier: 'premium',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: upstream.baseUrl,
        upstreamModel: 'rapid',
        timeoutMs: 5000,
      },
    });
    await refreshCatalog(gw);
    org = await seedOrg(gw);
    await grantTier(gw, org.organizationId, 'premium');
    redis = gw.app.get<IORedis>(METERING_REDIS);
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  /** Reads `chunks` content chunks, runs `fault`, then reads on until the stream ends or fails. */
  async function streamThrough(chunks: number, fault: (callId: string) => Promise<void>) {
    const { data: stream, response } = await client(gw, org.key)
      .chat.completions.create({ model: 'prem-dribble', messages, stream: true })
      .withResponse();
    const callId = callIdOf(response);
    let text = '';
    let seen = 0;
    let finished = false;
    const error = await (async () => {
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content ?? '';
        text += delta;
        finished ||= Boolean(chunk.choices[0]?.finish_reason);
        if (delta && ++seen === chunks) await fault(callId);
      }
    })().then(
      () => null,
      (e: unknown) => e,
    );
    return { callId, text, finished, error };
  }

  it('stops a stream whose text Redis refuses to record, and still bills and audits exactly what was delivered', async () => {
    const { callId, text, finished, error } = await streamThrough(3, async () => {
      redis.disconnect();
      setTimeout(() => void redis.connect(), 400);
    });
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toContain('could not be recorded');
    expect(finished).toBe(false);
    expect(text.length).toBeGreaterThan(0);
    // The finish was refused too (Redis away); it is retried until Redis takes it.
    const [row] = await waitForUsage(gw, 'request_id = $1', [callId], 1, 10_000);
    expect(row.status).toBe('interrupted');
    expect(BigInt(row.cost_micros as string)).toBeGreaterThan(0n);
    const entry = (await auditEntries(gw)).find((e) => e.eventId === callId);
    expect(entry).toMatchObject({ status: 'interrupted', completionText: text });
  });

  it("finishes a dead gateway's call from its started record: billed and audited as interrupted, with the text written ahead", async () => {
    const quota = gw.app.get(QuotaService);
    const { callId, text, error } = await streamThrough(2, async (id) => {
      // As if this call's gateway had died: its record now belongs to an owner with no heartbeat.
      await redis.hset(`${gw.env.QUEUE_PREFIX}:gw:call:${id}`, 'o', 'a-dead-gateway');
    });
    // The next write-ahead finds the call is no longer its own: nothing more is sent.
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(quota.owner).not.toBe('a-dead-gateway');
    // The reaper runs every second on its own; a sweep here only hastens it.
    await new Promise((r) => setTimeout(r, 2100));
    await gw.app.get(CallReaper).sweep();
    const [row] = await waitForUsage(gw, 'request_id = $1', [callId], 1);
    expect(row.status).toBe('interrupted');
    const entry = (await auditEntries(gw)).find((e) => e.eventId === callId)!;
    expect(entry.status).toBe('interrupted');
    // Every character the client received was written ahead (the record may hold the batch in flight too).
    expect(entry.completionText.startsWith(text)).toBe(true);
    expect(await redis.zscore(`${gw.env.QUEUE_PREFIX}:gw:calls`, callId)).toBeNull();
  });

  it('records a fast stream in a few write-aheads, at most one per 25 ms, and bills and audits all of it (six at once)', async () => {
    // Every write-ahead of a call, seen by Redis itself: CHECKPOINT_LUA's keys are the call's
    // record and its `:out` text, and no other script takes exactly those two.
    const monitor = await redis.monitor();
    const writeAheads = new Map<string, number>();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (!/^eval/i.test(args[0]) || args[2] !== '2' || !args[4]?.endsWith(':out')) return;
      const id = args[3].slice(args[3].lastIndexOf(':call:') + ':call:'.length);
      writeAheads.set(id, (writeAheads.get(id) ?? 0) + 1);
    });
    try {
      const streams = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const started = performance.now();
          const { data: stream, response } = await client(gw, org.key)
            .chat.completions.create({ model: 'prem-rapid', messages, stream: true })
            .withResponse();
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
          return { callId: callIdOf(response), text, ms: performance.now() - started };
        }),
      );
      const entries = await auditEntries(gw);
      for (const { callId, text, ms } of streams) {
        expect(text).toBe('y '.repeat(50));
        const [row] = await waitForUsage(gw, 'request_id = $1', [callId], 1);
        expect(row).toMatchObject({ status: 'succeeded', output_tokens: 50 });
        expect(entries.find((e) => e.eventId === callId)).toMatchObject({
          status: 'succeeded',
          completionText: text,
        });
        // 50 chunks, but write-aheads begin at least 25 ms apart (the first text rides the begin).
        const count = writeAheads.get(callId) ?? 0;
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(Math.floor(ms / 25) + 1);
        expect(count).toBeLessThan(25);
      }
    } finally {
      monitor.disconnect();
    }
  });
});
