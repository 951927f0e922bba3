import { Role } from '@velvet/access';
import { AuditLogWriter, premiumCallEntry, type PremiumCallEvent } from '@velvet/audit';
import {
  DetectionRunCancelled,
  DetectionRunProcessor,
  DetectionRunService,
  HorizonReader,
} from '@velvet/detection';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadDetectionWorkerEnv } from '../apps/detection-worker/src/env';
import { createDetectionWorkerApp } from '../apps/detection-worker/src/worker-app';
import { startAuditWorker, waitFor } from './support/audit-worker';
import { bearer, createStaff, signUp, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';

const T0 = Date.UTC(2026, 2, 3, 14, 0);

const VOCAB = (
  'sort parse merge reverse compress encrypt summarise translate classify rank plot explain prove derive compare tokenize ' +
  'list tree graph matrix string invoice poem essay recipe contract theorem dataset query schema cache socket thread lock queue ' +
  'python rust haskell sql kotlin swift french german latin physics biology finance history chess music law medicine'
).split(' ');
/** Twelve pseudo-random words: instructions that share no phrasing (a harvest covers an instruction space, it does not template). */
const mix = (x: number) => {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
};
const instruction = (i: number) =>
  Array.from({ length: 12 }, (_, j) => VOCAB[mix(i * 1000 + j + 1) % VOCAB.length]).join(' ');

/** A bare, single-turn harvest with SDK defaults, as the gateway flattens it: a new instruction a minute. */
function harvest(org: string, key: string, count: number): PremiumCallEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    requestId: randomUUID(),
    organizationId: org,
    apiKeyId: key,
    userId: null,
    modelId: randomUUID(),
    modelSlug: 'opus-x',
    tier: 'premium',
    occurredAt: new Date(T0 + i * 60_000),
    clientIp: '127.0.0.1',
    userAgent: 'test',
    params: {},
    promptText: `user: ${instruction(i)}\n`,
    completionText: `def solution_${i}(items): return items`,
    inputTokens: 30,
    outputTokens: 300,
    latencyMs: 900,
    status: 'succeeded',
    finishReason: 'stop',
  }));
}

describe('detection worker: its own process, bounded and cancellable (real PostgreSQL + Redis)', () => {
  let portal: RunningPortal;
  let reviewer: Session;
  let org: Session;
  let detection: INestApplicationContext;
  let audit: INestApplicationContext;

  beforeAll(async () => {
    portal = await startPortal();
    reviewer = await createStaff(portal, Role.SecurityReviewer, 'sec@provider.test');
    org = await signUp(portal, 'Harvest Labs', 'admin@harvest.test');
    const key = (
      await request(portal.url)
        .post(`/organizations/${org.organizationId}/api-keys`)
        .set(bearer(org))
        .send({ name: 'k' })
        .expect(201)
    ).body.id;
    await new AuditLogWriter(portal.app.get(DataSource)).append(
      harvest(org.organizationId!, key, 120).map((e) => premiumCallEntry(e)),
    );
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: portal.env.DATABASE_URL,
      REDIS_URL: portal.env.REDIS_URL,
      QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
      LOG_LEVEL: 'silent',
    };
    audit = await startAuditWorker(portal.env.DATABASE_URL, portal.env.QUEUE_PREFIX);
    detection = await createDetectionWorkerApp(loadDetectionWorkerEnv(env));
    await detection.init();
  });

  afterAll(async () => {
    await detection?.close();
    await audit?.close();
    await portal?.close();
  });

  const sec = () => bearer(reviewer);
  const runAndWait = async (asOf: Date) => {
    const { jobId } = (
      await request(portal.url)
        .post('/security/detection/runs')
        .set(sec())
        .send({ asOf: asOf.toISOString() })
        .expect(202)
    ).body;
    return waitFor(`detection run ${jobId}`, async () => {
      const s = (
        await request(portal.url).get(`/security/detection/runs/${jobId}`).set(sec()).expect(200)
      ).body;
      return s.state === 'completed' || s.state === 'failed' || s.failedReason ? s : null;
    });
  };

  it('runs detection in the detection worker only: the audit worker has no detection processor', async () => {
    expect(() => audit.get(DetectionRunProcessor, { strict: false })).toThrow();
    const status = await runAndWait(new Date(T0 + 120 * 60_000));
    expect(status.state).toBe('completed');
    expect(status.result).toMatchObject({
      organizations: 1,
      organizationsDeferred: 0,
      casesOpened: 1,
    });
    const page = (await request(portal.url).get('/security/alert-cases').set(sec()).expect(200))
      .body;
    const c = page.items[0];
    // Caught on what it cannot avoid: two hours of new bare instructions with default parameters.
    expect(c.drivers).toEqual(
      expect.arrayContaining(['instruction_coverage', 'application_shape']),
    );
    expect(c.benignExplanations).toEqual(expect.any(Array));
    // Nothing automatic beyond the case: premium access is untouched until a reviewer acts.
    const [{ n }] = await portal.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM organization_suspensions WHERE organization_id = $1`, [
        org.organizationId,
      ]);
    expect(n).toBe(0);
  });

  it('defers organisations beyond its time budget instead of running on', async () => {
    const summary = await detection
      .get(DetectionRunService)
      .run(new Date(T0 + 120 * 60_000), { budgetMs: 0 });
    expect(summary).toMatchObject({ organizations: 1, organizationsDeferred: 1, keys: 0 });
  });

  it('forgets prompt bands nobody re-sent for the retention period, keeps the rest', async () => {
    const db = portal.app.get(DataSource);
    const count = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM detection_prompt_bands WHERE organization_id = $1`,
          [org.organizationId],
        )
      )[0].n;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const horizons = detection.get(HorizonReader, { strict: false });
    const day = 24 * 3_600_000;
    // 29 days after the last call: still remembered; 31 days after: forgotten (bounded per call).
    expect(await horizons.purgeBands(new Date(T0 + 120 * 60_000 + 29 * day), 30)).toBe(0);
    expect(await count()).toBe(before);
    let removed = 0;
    for (let r = -1; r !== 0; removed += r)
      r = await horizons.purgeBands(new Date(T0 + 120 * 60_000 + 31 * day), 30, 100);
    expect(removed).toBe(before);
    expect(await count()).toBe(0);
  });

  it('stops at shutdown: a run started after SIGTERM is refused and its job left for the next worker', async () => {
    detection.get(DetectionRunService).beforeApplicationShutdown();
    await expect(
      detection.get(DetectionRunService).run(new Date(T0 + 60 * 60_000)),
    ).rejects.toBeInstanceOf(DetectionRunCancelled);
    const status = await runAndWait(new Date(T0 + 90 * 60_000));
    expect(status.failedReason).toMatch(/cancelled by shutdown/);
  });
});
