import type { INestApplicationContext } from '@nestjs/common';
import { encodePremiumCallEvent, eventSha256Of, jobIdOf } from '@velvet/audit';
import { deleteKeysWithPrefix, gatewayAuditStream, QueueName, redisOptions } from '@velvet/queue';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import { type ConnectionOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { premiumCall } from './support/audit-fixtures';
import { startAuditWorker, waitFor } from './support/audit-worker';
import { GatewayAuditIntake } from '../apps/worker/src/audit/gateway-audit.intake';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The worker's intake of the gateway's audit stream (GatewayAuditIntake): events are appended to
 * the log in batches and acknowledged after their batch committed; an event the log refuses for
 * its data does not hold up its batch, leaves no gap in the tree, and is moved to the BullMQ audit
 * queue (retried there and kept as a failed job), so it is never lost and never blocks the stream.
 */
describe('audit intake: gateway stream → log, refused entries → audit queue (e2e)', () => {
  let database: TestDatabase;
  let prefix: string;
  let worker: INestApplicationContext;
  let db: Client;
  let redis: IORedis;
  let queue: Queue;

  beforeAll(async () => {
    database = await createTestDatabase();
    prefix = testQueuePrefix();
    worker = await startAuditWorker(database.url, prefix, {
      REDIS_URL,
      AUDIT_INTAKE_CLAIM_IDLE_MS: '2000',
      AUDIT_BATCH_SIZE: '20',
    });
    db = new Client({ connectionString: database.url });
    await db.connect();
    redis = new IORedis(REDIS_URL);
    queue = new Queue(QueueName.Audit, {
      prefix,
      connection: redisOptions(REDIS_URL) as ConnectionOptions,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    redis?.disconnect();
    await db?.end();
    await deleteKeysWithPrefix(REDIS_URL, prefix);
    await database?.drop();
  });

  it('appends good events, moves the one the log refuses for its data to the audit queue, and acknowledges all', async () => {
    const org = randomUUID();
    const key = randomUUID();
    const good = [0, 1, 2].map(() => premiumCall(org, key));
    // valid JSON, but organization_id is a uuid column: COPY refuses the row (22P02, not transient)
    const bad = { ...premiumCall(org, key), organizationId: 'not-a-uuid' };
    const events = [good[0], bad, good[1], good[2]].map((e) => encodePremiumCallEvent(e));
    const stream = gatewayAuditStream(prefix);
    const pipeline = redis.pipeline();
    for (const v of events) pipeline.xadd(stream, '*', 'v', v);
    await pipeline.exec();

    const ids = good.map((g) => g.requestId);
    await waitFor('the good events in the log', async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE event_id = ANY($1)`,
        [ids],
      );
      return rows[0].n === good.length;
    });
    // the refused event: a job of the audit queue with the entry derived from it (receipt hash included)
    const job = await waitFor('the refused event as an audit job', async () => {
      const j = await queue.getJob(jobIdOf(bad.requestId));
      return j && j.attemptsMade >= 1 ? j : null;
    });
    expect(job.data).toMatchObject({
      kind: 'premium_call',
      eventId: bad.requestId,
      organizationId: 'not-a-uuid',
      eventSha256: eventSha256Of(events[1]).toString('hex'),
    });
    expect(job.failedReason).toMatch(/uuid/);
    expect(job.opts.attempts).toBeGreaterThan(1); // BullMQ retries it; kept as failed at the end

    // nothing of it in the log, and no gap: the other entries' sequence numbers are consecutive
    const { rows } = await db.query(`SELECT seq, event_id FROM audit_log ORDER BY seq`);
    expect(rows.map((r) => r.event_id)).not.toContain(bad.requestId);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
    const [state] = (await db.query(`SELECT size FROM audit_tree_state`)).rows;
    expect(Number(state.size)).toBe(rows.length);

    // every stream entry acknowledged and deleted, the refused one included
    await waitFor('the stream drained', async () => (await redis.xlen(stream)) === 0);
    const pending = (await redis.xpending(stream, 'audit-intake')) as [number, ...unknown[]];
    expect(Number(pending[0])).toBe(0);
  });

  it('is behind while its reads come back full (the row sweep then waits), not on a trickle', async () => {
    const org = randomUUID();
    const key = randomUUID();
    const intake = worker.get(GatewayAuditIntake);
    const stream = gatewayAuditStream(prefix);
    const append = async (n: number) => {
      const calls = Array.from({ length: n }, () => premiumCall(org, key));
      const pipeline = redis.pipeline();
      for (const c of calls) pipeline.xadd(stream, '*', 'v', encodePremiumCallEvent(c));
      await pipeline.exec();
      await waitFor(`${n} calls in the log`, async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM audit_log WHERE event_id = ANY($1)`,
          [calls.map((c) => c.requestId)],
        );
        return rows[0].n === n;
      });
    };
    await append(3); // fewer than a batch (20): every read took all there was
    expect(intake.behind()).toBe(false);
    await append(200); // ten batches' worth at once: reads came back full
    expect(intake.behind()).toBe(true);
  });
});
