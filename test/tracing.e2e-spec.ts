import { randomBytes } from 'node:crypto';
import { generateKeyMaterial } from '@velvet/api-keys';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import OpenAI from 'openai';
import { Client } from 'pg';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver';
import { type GatewayProcess, startGatewayProcess } from './support/redis-cluster';

const SERVER = 2;
const CLIENT = 3;

/**
 * OpenTelemetry traces: a gateway process with OTEL_EXPORTER_OTLP_ENDPOINT set exports a premium
 * call's trace to a real OTLP/HTTP receiver — its server span continues the caller's traceparent,
 * with the upstream call and the Redis scripts as children, and the traceparent goes on to the
 * upstream — and no span carries the prompt, the completion or the API key.
 */
describe('tracing: OTLP traces of a gateway call (e2e)', () => {
  let database: TestDatabase;
  let pg: Client;
  let receiver: OtlpReceiver;
  let upstream: FakeUpstream;
  let gateway: GatewayProcess;
  let key: string;

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
    gateway = await startGatewayProcess({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: testQueuePrefix(),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
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

    const everything = receiver.bodies.join('\n');
    for (const secret of [prompt, 'alpha beta gamma', key])
      expect(everything).not.toContain(secret);
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
