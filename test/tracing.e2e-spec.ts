import { randomBytes, randomUUID } from 'node:crypto';
import { generateKeyMaterial } from '@velvet/api-keys';
import { AUDIT_JOB_NAME, AUDIT_JOB_OPTIONS, jobIdOf } from '@velvet/audit';
import { QueueName } from '@velvet/queue';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import { Queue } from 'bullmq';
import OpenAI from 'openai';
import { Client } from 'pg';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver';
import {
  type AppProcess,
  startGatewayProcess,
  startPortalApiProcess,
  startWorkerProcess,
} from './support/app-process';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * OpenTelemetry traces: a gateway process and an audit worker process with
 * OTEL_EXPORTER_OTLP_ENDPOINT set export a premium call's trace to a real OTLP/HTTP receiver — the
 * gateway's server span continues the caller's traceparent, with the upstream call and the Redis
 * scripts as children, the traceparent goes on to the upstream, and the worker's append of the
 * call's audit entry is in the same trace (the context rides in the audit stream entry) — BullMQ
 * jobs have producer-continued spans, and no span carries the prompt, the completion or the key.
 */
describe('tracing: OTLP traces of a gateway call (e2e)', () => {
  let database: TestDatabase;
  let pg: Client;
  let receiver: OtlpReceiver;
  let upstream: FakeUpstream;
  let gateway: AppProcess;
  let worker: AppProcess;
  let key: string;
  let organizationId: string;
  let queuePrefix: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    upstream = await startFakeUpstream();
    database = await createTestDatabase();
    pg = new Client({ connectionString: database.adminUrl });
    await pg.connect();
    await pg.query(
      `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false), ('premium', 'Premium', 2, true)
       ON CONFLICT DO NOTHING`,
    );
    await pg.query(
      `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream, max_output_tokens)
       VALUES ('traced', 'traced', 'premium', 1000000, 2000000, $1, 64)`,
      [
        JSON.stringify({
          kind: 'openai_compatible',
          baseUrl: upstream.baseUrl,
          upstreamModel: 'echo',
          timeoutMs: 5000,
        }),
      ],
    );
    // A rule the organisation meets, so the worker's entitlement re-evaluations keep its unlock.
    await pg.query(
      `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, requires_verified, requires_not_suspended, min_account_age_days)
       VALUES ('premium', false, 0, false, true, 0) ON CONFLICT (tier) DO NOTHING`,
    );
    const { rows } = await pg.query(
      `INSERT INTO organizations (name, slug) VALUES ('Traced', $1) RETURNING id`,
      [`traced-${Date.now()}`],
    );
    await pg.query(
      `INSERT INTO organization_entitlements (organization_id, tier, unlocked_at) VALUES ($1, 'premium', now())`,
      [rows[0].id],
    );
    const m = generateKeyMaterial();
    await pg.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'k', $2, $3)`,
      [rows[0].id, m.lookupId, m.secretHash],
    );
    key = m.key;
    organizationId = rows[0].id;
    queuePrefix = testQueuePrefix();
    const env = {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: queuePrefix,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    // The worker first: its consumer group must exist before the call's entry is written.
    [worker, gateway] = [await startWorkerProcess(env), await startGatewayProcess(env)];
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await pg?.end();
    await database?.drop();
    await upstream?.close();
    await receiver?.close();
  });

  const spansOf = async (traceId: string, until: (spans: ReceivedSpan[]) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      if (until(spans) || Date.now() > deadline) return spans;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const waitForSpan = async (match: (span: ReceivedSpan) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const span = receiver.spans.find(match);
      if (span) return span;
      if (Date.now() > deadline) throw new Error('no such span exported');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('continues the caller traceparent through the gateway, Redis and the upstream, without prompts or secrets', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const prompt = `tracing-prompt-${randomBytes(6).toString('hex')}`;
    const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create(
      { model: 'traced', messages: [{ role: 'user', content: prompt }], max_tokens: 16 },
      { headers: { traceparent: `00-${traceId}-${parentId}-01` } },
    );
    expect(completion.choices[0].message.content).toBe('alpha beta gamma');

    const spans = await spansOf(
      traceId,
      (s) => s.some((x) => x.kind === SERVER) && s.some((x) => x.name === 'evalsha'),
    );
    const server = spans.find((s) => s.kind === SERVER);
    expect(server).toMatchObject({
      service: 'velvet-gateway',
      name: 'POST /v1/chat/completions',
      parentSpanId: parentId,
      attributes: expect.objectContaining({ 'http.route': '/v1/chat/completions' }),
    });
    const upstreamSpan = spans.find((s) => s.kind === CLIENT && s.attributes['url.path']);
    expect(upstreamSpan?.attributes['url.full']).toBe(`${upstream.baseUrl}/chat/completions`);
    const redis = spans.filter((s) => s.attributes['db.system.name'] === 'redis');
    expect(redis.map((s) => s.name)).toContain('evalsha');
    // The command name only: the settlement script's arguments hold the audit event.
    for (const s of redis) expect(s.attributes['db.query.text']).toBe(s.name);
    // Every span of the call is in the caller's trace, under the server span.
    for (const s of [upstreamSpan!, ...redis]) expect(s.traceId).toBe(traceId);
    // The upstream received the trace context, in the caller's trace.
    const sent = upstream.requests.find((r) => JSON.stringify(r.body).includes(prompt));
    expect(String(sent?.headers.traceparent)).toContain(traceId);

    // The worker's append of the call's audit entry: a span in the caller's trace, under a gateway
    // span of the call, linked to the batch span (a root of its own, linked back to the call).
    const isAppend = (s: { service: string; name: string }) =>
      s.service === 'velvet-worker' && s.name === 'gateway_audit append';
    const appended = await spansOf(traceId, (s) => s.some(isAppend));
    const append = appended.find(isAppend);
    expect(append).toMatchObject({ name: 'gateway_audit append', kind: CONSUMER });
    expect(appended.filter((s) => s.service === 'velvet-gateway').map((s) => s.spanId)).toContain(
      append!.parentSpanId,
    );
    const batch = receiver.spans.find((s) => s.spanId === append!.links[0]?.spanId);
    expect(batch).toMatchObject({ name: 'gateway_audit append', parentSpanId: '' });
    expect(batch!.links).toContainEqual({ traceId, spanId: append!.parentSpanId });
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM audit_log`);
    expect(rows[0].n).toBe(1);
    // The worker's usage ingest of the call's usage record: in the caller's trace too, with the
    // batch's statement (velvet_usage_ingest, which inserts it) under the batch span.
    const ingested = await spansOf(traceId, (s) =>
      s.some((x) => x.name === 'usage_records insert'),
    );
    const ingest = ingested.find((s) => s.name === 'usage_records insert');
    expect(ingest).toMatchObject({ service: 'velvet-worker', kind: CONSUMER });
    const ingestBatch = receiver.spans.find((s) => s.spanId === ingest!.links[0]?.spanId);
    expect(ingestBatch).toMatchObject({ name: 'usage_records insert', parentSpanId: '' });
    await waitForSpan(
      (s) =>
        s.parentSpanId === ingestBatch!.spanId &&
        String(s.attributes['db.query.text'] ?? s.attributes['db.statement']).includes(
          'SELECT velvet_usage_ingest(',
        ),
    );

    const everything = receiver.bodies.join('\n');
    for (const secret of [prompt, 'alpha beta gamma', key])
      expect(everything).not.toContain(secret);
  });

  it('continues a streamed call (begun, then finished by the settlement script) into the worker', async () => {
    const traceId = randomBytes(16).toString('hex');
    const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const streamedPrompt = `streamed-prompt-${randomBytes(6).toString('hex')}`;
    const stream = await openai.chat.completions.create(
      {
        model: 'traced',
        messages: [{ role: 'user', content: streamedPrompt }],
        max_tokens: 16,
        stream: true,
      },
      { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
    );
    for await (const chunk of stream) void chunk;
    const append = await waitForSpan(
      (s) => s.traceId === traceId && s.name === 'gateway_audit append',
    );
    expect(append).toMatchObject({ service: 'velvet-worker', kind: CONSUMER });
    // Everything both processes exported so far, the worker's append of this entry included.
    await new Promise((r) => setTimeout(r, 500));
    const everything = receiver.bodies.join('\n');
    for (const secret of [streamedPrompt, 'alpha beta gamma', key])
      expect(everything).not.toContain(secret);
  });

  it('gives a BullMQ job a span continuing the context its producer put in the job', async () => {
    const traceId = randomBytes(16).toString('hex');
    const producerSpanId = randomBytes(8).toString('hex');
    // What a traced producer's add writes into the job's options (bullmq-otel's metadata).
    const metadata = JSON.stringify({ traceparent: `00-${traceId}-${producerSpanId}-01` });
    const queue = new Queue(QueueName.Audit, {
      prefix: queuePrefix,
      connection: { host: '127.0.0.1', port: 6379 },
    });
    try {
      const now = new Date().toISOString();
      // An admin action's audit entry, as AuditProducer enqueues it.
      const entry = {
        kind: 'admin_action',
        eventId: `admin:${randomUUID()}`,
        organizationId,
        actorUserId: null,
        action: 'org.traced',
        subjectType: 'Organization',
        subjectId: organizationId,
        reason: null,
        details: null,
        occurredAt: now,
        enqueuedAt: now,
      };
      await queue.add(AUDIT_JOB_NAME, entry, {
        ...AUDIT_JOB_OPTIONS,
        jobId: jobIdOf(entry.eventId),
        telemetry: { metadata },
      });
    } finally {
      await queue.close();
    }
    const spans = await spansOf(traceId, (s) =>
      s.some((x) => x.name === `process ${QueueName.Audit}`),
    );
    expect(spans.find((s) => s.name === `process ${QueueName.Audit}`)).toMatchObject({
      service: 'velvet-worker',
      kind: CONSUMER,
      parentSpanId: producerSpanId,
    });
    // Through the queue: the worker's usage ingest asks for an entitlement evaluation after
    // recording the first test's spend (an add span); the processing of that job continues it.
    const added = await waitForSpan(
      (s) => s.service === 'velvet-worker' && s.name === 'add entitlements.evaluate',
    );
    expect(added.kind).toBe(PRODUCER);
    const processed = await waitForSpan(
      // (the add's own Redis command is a child of it too)
      (s) => s.parentSpanId === added.spanId && s.name === 'process entitlements',
    );
    expect(processed).toMatchObject({
      name: 'process entitlements',
      kind: CONSUMER,
      traceId: added.traceId,
    });
    // BullMQ's housekeeping (polls, lock renewals, stalled checks) makes no spans.
    const housekeeping = /^(getNextJob|moveStalledJobsToWait|startStalledCheckTimer|extendLocks)\b/;
    expect(receiver.spans.filter((s) => housekeeping.test(s.name))).toEqual([]);
  });

  it('names the portal API server span after the route template (one name for every id)', async () => {
    const portal = await startPortalApiProcess({
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: database.url,
      QUEUE_PREFIX: queuePrefix,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      const traceId = randomBytes(16).toString('hex');
      const response = await fetch(`${portal.url}/organizations/${organizationId}`, {
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      expect(response.status).toBe(401);
      const server = await waitForSpan((s) => s.traceId === traceId && s.kind === SERVER);
      expect(server).toMatchObject({
        service: 'velvet-portal-api',
        name: 'GET /organizations/:orgId',
        attributes: expect.objectContaining({ 'http.route': '/organizations/:orgId' }),
      });
    } finally {
      await portal.stop();
    }
  });

  it('does not trace health probes', async () => {
    const before = receiver.spans.length;
    await fetch(`${gateway.url}/health/live`);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      receiver.spans
        .slice(before)
        .filter((s) => String(s.attributes['url.path']).startsWith('/health')),
    ).toEqual([]);
  });
});
