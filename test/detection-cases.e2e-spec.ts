import { Role } from '@velvet/access';
import { AuditLogWriter, premiumCallEntry, type PremiumCallEvent } from '@velvet/audit';
import { SuspensionsService } from '@velvet/entitlements';
import { DetectionRunProcessor, DetectionRunService, HorizonReader } from '@velvet/detection';
import { LimitsService } from '@velvet/metering';
import { QueueName, redisOptions } from '@velvet/queue';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, createStaff, signUp, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';

const T0 = Date.UTC(2026, 2, 3, 14, 0);
const min = (m: number) => new Date(T0 + m * 60_000);

function event(
  org: string,
  key: string,
  at: Date,
  prompt: string,
  over: Partial<PremiumCallEvent> = {},
): PremiumCallEvent {
  return {
    requestId: randomUUID(),
    organizationId: org,
    apiKeyId: key,
    userId: null,
    modelId: randomUUID(),
    modelSlug: 'opus-x',
    tier: 'premium',
    occurredAt: at,
    clientIp: '127.0.0.1',
    userAgent: 'test',
    params: { n: 1, maxTokens: 1024 },
    // the gateway's flattened form: one `role: content` block per message
    promptText: `user: ${prompt}\n`,
    completionText: `Answer to: ${prompt}`,
    inputTokens: 40,
    outputTokens: 1024,
    latencyMs: 900,
    status: 'succeeded',
    finishReason: 'length',
    ...over,
  };
}

const TOPICS = [
  'volcanoes',
  'tax law',
  'jazz',
  'orbital mechanics',
  'immunology',
  'game theory',
  'compilers',
  'poetry',
];
/** Self-instruct style: every prompt a new task, asking for the reasoning; regular, long outputs. */
const campaign = (org: string, key: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    event(
      org,
      key,
      new Date(T0 + from * 60_000 + i * 20_000 + (i % 3) * 700),
      `Task ${from}-${i}: explain ${TOPICS[i % 8]} to learner ${i * 7} with example ${i * 13}. Think step by step.`,
    ),
  );
/** A support bot: a fixed system prompt, a few recurring questions, short answers, bursty. */
const support = (org: string, key: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    event(
      org,
      key,
      new Date(T0 + [0, 1, 1.2, 5, 5.1, 5.3, 9, 14, 14.2, 19][i % 10] * 60_000 + i * 1000),
      ['reset password', 'where is my invoice', 'change plan'][i % 3],
      {
        outputTokens: 60,
        finishReason: 'stop',
        params: { n: 1, maxTokens: 400 },
        promptText: `system: You are Acme support. Be brief.\nuser: ${['reset password', 'where is my invoice', 'change plan'][i % 3]}\n`,
      },
    ),
  );

describe('detection: cases, actions, provenance (real PostgreSQL + Redis)', () => {
  let portal: RunningPortal;
  let reviewer: Session;
  let bad: Session;
  let good: Session;
  let badKey: string;
  let goodKey: string;
  let writer: AuditLogWriter;
  let auditQueue: Queue;
  const connection = () => redisOptions(portal.env.REDIS_URL) as ConnectionOptions;

  beforeAll(async () => {
    portal = await startPortal();
    reviewer = await createStaff(portal, Role.SecurityReviewer, 'sec@provider.test');
    bad = await signUp(portal, 'Harvest Labs', 'admin@harvest.test');
    good = await signUp(portal, 'Acme Support', 'admin@acme.test');
    const mk = async (s: Session) =>
      (
        await request(portal.url)
          .post(`/organizations/${s.organizationId}/api-keys`)
          .set(bearer(s))
          .send({ name: 'k' })
          .expect(201)
      ).body.id;
    badKey = await mk(bad);
    goodKey = await mk(good);
    writer = new AuditLogWriter(portal.app.get(DataSource));
    auditQueue = new Queue(QueueName.Audit, {
      connection: connection(),
      prefix: portal.env.QUEUE_PREFIX,
    });
    await writer.append(
      [
        ...campaign(bad.organizationId!, badKey, 0, 60),
        ...support(good.organizationId!, goodKey, 40),
      ].map((e) => premiumCallEntry(e)),
    );
  });

  afterAll(async () => {
    await auditQueue?.close();
    await portal?.close();
  });

  const sec = () => bearer(reviewer);
  const cases = async (q = '') =>
    (await request(portal.url).get(`/security/alert-cases${q}`).set(sec()).expect(200)).body;
  const auditActions = async () =>
    (await auditQueue.getJobs(['waiting', 'delayed', 'active', 'completed']))
      .map((j) => j.data)
      .filter((d) => d.kind === 'admin_action');

  it('an on-demand run, executed by the queue processor, scores both organisations and opens a case for the harvester only', async () => {
    const asOf = min(20).toISOString();
    const res = await request(portal.url)
      .post('/security/detection/runs')
      .set(sec())
      .send({ asOf })
      .expect(202);
    const worker = new Worker(
      QueueName.Detection,
      (job) => new DetectionRunProcessor(portal.app.get(DetectionRunService)).process(job),
      {
        connection: connection(),
        prefix: portal.env.QUEUE_PREFIX,
      },
    );
    try {
      // Polled until the run ends, however long a loaded machine takes (the test's own time limit bounds it).
      for (;;) {
        const status = (
          await request(portal.url)
            .get(`/security/detection/runs/${res.body.jobId}`)
            .set(sec())
            .expect(200)
        ).body;
        if (status.state === 'failed') throw new Error(`run failed: ${JSON.stringify(status)}`);
        if (status.state === 'completed') {
          expect(status.result).toMatchObject({ organizations: 2, casesOpened: 1 });
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await worker.close();
    }
    const page = await cases();
    expect(page.total).toBe(1);
    const c = page.items[0];
    expect(c.organizationId).toBe(bad.organizationId);
    expect(c.status).toBe('open');
    expect(c.drivers).toEqual(expect.arrayContaining(['chain_of_thought', 'max_length_outputs']));
    expect(c.flaggedKeys.map((k: { apiKeyId: string }) => k.apiKeyId)).toEqual([badKey]);
    const scores = (
      await request(portal.url)
        .get(`/security/risk-scores?organizationId=${good.organizationId}`)
        .set(sec())
        .expect(200)
    ).body;
    expect(scores.length).toBeGreaterThan(0);
    expect(Math.max(...scores.map((s: { score: number }) => s.score))).toBeLessThan(0.5);
  });

  it('re-running the same window changes nothing (redelivered job)', async () => {
    const db = portal.app.get(DataSource);
    const before = await db.query(`SELECT count(*)::int AS n FROM detection_risk_scores`);
    const summary = await portal.app.get(DetectionRunService).run(min(20));
    expect(summary).toMatchObject({ casesOpened: 0, casesRefreshed: 1 });
    expect(await db.query(`SELECT count(*)::int AS n FROM detection_risk_scores`)).toEqual(before);
    expect((await cases()).total).toBe(1);
  });

  it('only security reviewers reach the cases', async () => {
    await request(portal.url).get('/security/alert-cases').expect(401);
    await request(portal.url).get('/security/alert-cases').set(bearer(bad)).expect(403);
    const manager = await createStaff(portal, Role.AccountManager, 'am@provider.test');
    await request(portal.url).get('/security/alert-cases').set(bearer(manager)).expect(403);
    await request(portal.url)
      .post('/security/provenance')
      .set(bearer(bad))
      .send({ text: 'anything at all here' })
      .expect(403);
  });

  it('works a case: acknowledge, throttle a key, suspend, restore, escalate; each action in the audit log', async () => {
    const id = (await cases()).items[0].id;
    const org = bad.organizationId!;
    await request(portal.url)
      .post(`/security/alert-cases/${id}/acknowledge`)
      .set(sec())
      .send({})
      .expect(200);
    const again = await request(portal.url)
      .post(`/security/alert-cases/${id}/acknowledge`)
      .set(sec())
      .send({})
      .expect(409);
    expect(again.body.code).toBe('alert_case_invalid_transition');

    // bad input: 4xx and nothing changes
    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(sec())
      .send({ apiKeyId: goodKey, requestsPerMinute: 5, reason: 'Throttle pending review' })
      .expect(422);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(sec())
      .send({ requestsPerMinute: 0, reason: 'Throttle pending review' })
      .expect(400);
    await request(portal.url)
      .post(`/security/alert-cases/${randomUUID()}/suspend`)
      .set(sec())
      .send({ reason: 'Suspend pending review' })
      .expect(404);
    expect(await portal.app.get(LimitsService).listOverrides(org)).toHaveLength(0);

    await request(portal.url)
      .post(`/security/alert-cases/${id}/throttle`)
      .set(sec())
      .send({ apiKeyId: badKey, requestsPerMinute: 5, reason: 'Throttle pending review' })
      .expect(200);
    const overrides = await portal.app.get(LimitsService).listOverrides(org);
    expect(overrides).toEqual([
      expect.objectContaining({ apiKeyId: badKey, requestsPerMinute: 5 }),
    ]);

    await request(portal.url)
      .post(`/security/alert-cases/${id}/suspend`)
      .set(sec())
      .send({ reason: 'Confirmed dataset generation' })
      .expect(200);
    expect(await portal.app.get(SuspensionsService).isSuspended(org)).toBe(true);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/restore`)
      .set(sec())
      .send({ reason: 'Customer signed remediation' })
      .expect(200);
    expect(await portal.app.get(SuspensionsService).isSuspended(org)).toBe(false);
    expect(await portal.app.get(LimitsService).listOverrides(org)).toHaveLength(0);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/restore`)
      .set(sec())
      .send({ reason: 'Customer signed remediation' })
      .expect(409);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/escalate`)
      .set(sec())
      .send({ reason: 'Legal should review the contract' })
      .expect(200);

    const detail = (
      await request(portal.url).get(`/security/alert-cases/${id}`).set(sec()).expect(200)
    ).body;
    expect(detail.case.status).toBe('escalated');
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual([
      'opened',
      'acknowledged',
      'throttled',
      'suspended',
      'restored',
      'escalated',
    ]);
    const logged = await auditActions();
    const mine = logged.filter((a) => a.subjectId === id).map((a) => [a.action, a.actorUserId]);
    expect(mine).toEqual(
      expect.arrayContaining([
        ['alert_case.opened', null],
        ['alert_case.acknowledged', reviewer.userId],
        ['alert_case.throttled', reviewer.userId],
        ['alert_case.suspended', reviewer.userId],
        ['alert_case.restored', reviewer.userId],
        ['alert_case.escalated', reviewer.userId],
      ]),
    );
    expect(logged.find((a) => a.action === 'alert_case.escalated')?.reason).toBe(
      'Legal should review the contract',
    );
    expect(
      logged.some((a) => a.action === 'org.premium_suspended' && a.organizationId === org),
    ).toBe(true);
  });

  it('a dismissal needs a reason, and then the same pattern stops alerting; a new pattern still alerts', async () => {
    const id = (await cases()).items[0].id;
    await request(portal.url)
      .post(`/security/alert-cases/${id}/dismiss`)
      .set(sec())
      .send({})
      .expect(400);
    await request(portal.url)
      .post(`/security/alert-cases/${id}/dismiss`)
      .set(sec())
      .send({ reason: 'short' })
      .expect(400);
    expect((await cases()).items[0].status).toBe('escalated');
    await request(portal.url)
      .post(`/security/alert-cases/${id}/dismiss`)
      .set(sec())
      .send({ reason: 'Contracted curriculum generation for their tutoring product' })
      .expect(200);

    await writer.append(
      campaign(bad.organizationId!, badKey, 20, 60).map((e) => premiumCallEntry(e)),
    );
    const quiet = await portal.app.get(DetectionRunService).run(min(40));
    expect(quiet.casesOpened).toBe(0);
    expect((await cases('?status=open')).total).toBe(0);

    // Same organisation, now also harvesting log probabilities with n > 1: not the dismissed pattern.
    const harvest = campaign(bad.organizationId!, badKey, 40, 60).map((e) => ({
      ...e,
      params: { ...e.params, logprobs: true, topLogprobs: 20, n: 4 },
    }));
    await writer.append(harvest.map((e) => premiumCallEntry(e)));
    const loud = await portal.app.get(DetectionRunService).run(min(60));
    expect(loud.casesOpened).toBe(1);
    const reopened = (await cases('?status=open')).items[0];
    expect(reopened.drivers).toEqual(expect.arrayContaining(['logprobs']));
    expect(
      reopened.evidence.find((d: { detector: string }) => d.detector === 'chain_of_thought')
        .suppressionLifted,
    ).toMatch(/curriculum/);
  });

  it('provenance: a paraphrased leak traces to the completion, organisation, key and time, through the band index', async () => {
    const leaked =
      'Answer to: Task 0-5: explain game theory to learner 35 with example 65. Think step by step.';
    const edited = `${leaked.replace('Answer to:', 'Response:')} Also see the notes.`;
    const res = (
      await request(portal.url)
        .post('/security/provenance')
        .set(sec())
        .send({ text: edited, limit: 3 })
        .expect(200)
    ).body;
    expect(res.matches[0]).toMatchObject({
      organizationId: bad.organizationId,
      organizationName: 'Harvest Labs',
      apiKeyId: badKey,
      occurredAt: new Date(T0 + 5 * 20_000 + 2 * 700).toISOString(),
    });
    expect(res.matches[0].similarity).toBeGreaterThan(0.5);
    const exact = (
      await request(portal.url)
        .post('/security/provenance')
        .set(sec())
        .send({ text: leaked })
        .expect(200)
    ).body;
    expect(exact.matches[0]).toMatchObject({ exact: true, similarity: 1 });
    const none = (
      await request(portal.url)
        .post('/security/provenance')
        .set(sec())
        .send({ text: 'Completely unrelated prose about gardening tomatoes in spring.' })
        .expect(200)
    ).body;
    expect(none.matches).toEqual([]);
    await request(portal.url)
      .post('/security/provenance')
      .set(sec())
      .send({ text: '!!! ???' })
      .expect(422);
    await request(portal.url)
      .post('/security/provenance')
      .set(sec())
      .send({ text: 'x', limit: 1000 })
      .expect(400);

    const db = portal.app.get(DataSource);
    const plan = await db.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      return m.query(
        `EXPLAIN SELECT seq FROM audit_completion_bands WHERE bands && ARRAY[1,2]::bigint[]`,
      );
    });
    // each day's partition's own GIN (the log's completion_bands has none: migration 1764082000000)
    expect(JSON.stringify(plan)).toMatch(/Index Scan on audit_completion_bands_p\d{8}_bands_idx/);
  });

  it('cross-organisation evidence names, per shared band, the organisations that also began sending it', async () => {
    const third = await signUp(portal, 'Third Party', 'admin@third.test');
    const thirdKey = (
      await request(portal.url)
        .post(`/organizations/${third.organizationId}/api-keys`)
        .set(bearer(third))
        .send({ name: 'k' })
        .expect(201)
    ).body.id;
    // Three days later, three organisations begin sending the same new prompts; one prompt is the harvester's alone.
    const day3 = T0 + 3 * 24 * 60 * 60_000;
    const shared = (org: string, key: string, offset: number) =>
      Array.from({ length: 6 }, (_, i) =>
        event(
          org,
          key,
          new Date(day3 + offset * 1000 + i * 60_000),
          `Shared instruction ${i}: summarise the history of ${TOPICS[i]} for a student in ${i + 3} bullet points`,
        ),
      );
    await writer.append(
      [
        ...shared(bad.organizationId!, badKey, 0),
        ...shared(good.organizationId!, goodKey, 10),
        ...shared(third.organizationId!, thirdKey, 20),
        event(bad.organizationId!, badKey, new Date(day3 + 30 * 60_000), 'A prompt only we send'),
      ].map((e) => premiumCallEntry(e)),
    );
    const horizons = portal.app.get(HorizonReader);
    const asOf = new Date(day3 + 40 * 60_000);
    await horizons.rememberBands(new Date(day3 - 60_000), asOf, new Date(day3 - 60_000));
    const x = (await horizons.crossOrg([bad.organizationId!], asOf, 24)).get(bad.organizationId!);
    expect(x?.groupSize).toBe(3);
    const partners = new Set([...(x?.bandPartners?.values() ?? [])].flat());
    expect(partners).toEqual(new Set([good.organizationId, third.organizationId]));
    const calls = (await horizons.horizonCalls([bad.organizationId!], asOf, 1)).get(
      bad.organizationId!,
    )!;
    const linked = calls.filter((c) => c.bands?.some((b) => x?.bandPartners?.has(b)));
    expect(linked).toHaveLength(6);
  });

  it('a live case goes on attributing keys whose own traffic has its pattern, not the application keys', async () => {
    const slow = await signUp(portal, 'Slow Labs', 'admin@slow.test');
    const key = async (name: string) =>
      (
        await request(portal.url)
          .post(`/organizations/${slow.organizationId}/api-keys`)
          .set(bearer(slow))
          .send({ name })
          .expect(201)
      ).body.id as string;
    const [first, late, app] = [await key('first'), await key('late'), await key('app')];
    const day5 = T0 + 5 * 24 * 60 * 60_000;
    const at = (m: number, s = 0) => new Date(day5 + m * 60_000 + s * 1000);
    const prompt = (i: number) =>
      `Instruction ${i}: describe ${TOPICS[i % 8]} for reader ${i * 11} using example ${i * 17}`;
    const bare = (k: string, when: Date, i: number) =>
      event(slow.organizationId!, k, when, prompt(i), {
        params: {},
        outputTokens: 400,
        finishReason: 'stop',
      });
    // A 30-minute harvest on the first key opens the case.
    await writer.append(
      Array.from({ length: 90 }, (_, i) => bare(first, at(0, i * 20), i)).map((e) =>
        premiumCallEntry(e),
      ),
    );
    const runs = portal.app.get(DetectionRunService);
    expect((await runs.run(at(30))).casesOpened).toBe(1);
    const liveCase = async () =>
      (await cases(`?organizationId=${slow.organizationId}`)).items[0] as {
        status: string;
        flaggedKeys: { apiKeyId: string }[];
      };
    expect((await liveCase()).flaggedKeys.map((k) => k.apiKeyId)).toEqual([first]);
    // Seven hours later the harvest's prompts are old: a key that joined sends some of them again,
    // bare with defaults, beside an application key (system prompt, pinned parameters). The
    // organisation no longer alerts on its own.
    await writer.append(
      [
        ...[0, 1, 2].map((i) => bare(late, at(420 + i * 3), i)),
        ...Array.from({ length: 14 }, (_, i) =>
          event(slow.organizationId!, app, at(415 + i), `question ${i % 3}`, {
            params: { n: 1, maxTokens: 300, temperature: 0.2 },
            promptText: `system: You are Slow Labs' helpdesk.\nuser: question ${i % 3}\n`,
            outputTokens: 80,
            finishReason: 'stop',
          }),
        ),
      ].map((e) => premiumCallEntry(e)),
    );
    const later = await runs.run(at(440));
    expect(later.casesRefreshed).toBeGreaterThanOrEqual(1);
    const after = await liveCase();
    expect(after.status).toBe('open');
    expect(after.flaggedKeys.map((k) => k.apiKeyId).sort()).toEqual([first, late].sort());
  });
});
