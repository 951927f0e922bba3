import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@velvet/common';
import { DetectionMetrics } from '../apps/detection-worker/src/metrics/detection-metrics';
import { startAuditWorker } from './support/audit-worker';
import {
  client,
  type RunningGateway,
  refreshCatalog,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';
import { hasSeries, metricsUrl, sample, scrape } from './support/metrics';
import { type RunningPortal, startPortal } from './support/portal';

const TOKEN = 'metrics-token-for-the-test-0123';
const CHAT = { route: '/v1/chat/completions' };

describe('metrics: /metrics on a private listener moves under traffic', () => {
  let gw: RunningGateway;
  let portal: RunningPortal;
  /** Every metric name seen in a scrape (from its # TYPE line), for the dashboard check. */
  const seen = new Set<string>();
  const remember = (text: string) => {
    for (const m of text.matchAll(/^# TYPE (\w+) /gm)) seen.add(m[1]);
    return text;
  };

  beforeAll(async () => {
    gw = await startGateway({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    portal = await startPortal({ METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await gw?.close();
    await portal?.close();
  });

  it('gateway: requests by route and status, admissions by reason, upstream latency and errors, snapshot ages, stream backlog', async () => {
    await seedTiers(gw);
    await seedModel(gw, { slug: 'metrics-sim' });
    // nothing listens on port 9: the upstream fails fast with a connection error
    await seedModel(gw, {
      slug: 'metrics-down',
      upstream: {
        kind: 'openai_compatible',
        baseUrl: 'http://127.0.0.1:9/v1',
        upstreamModel: 'x',
        timeoutMs: 2000,
      },
    });
    await refreshCatalog(gw);
    const org = await seedOrg(gw);
    const before = await scrape(gw.app, TOKEN);

    const openai = client(gw, org.key);
    for (let i = 0; i < 3; i++)
      await openai.chat.completions.create({
        model: 'metrics-sim',
        messages: [{ role: 'user', content: `hi ${i}` }],
      });
    const stream = await openai.chat.completions.create({
      model: 'metrics-sim',
      stream: true,
      messages: [{ role: 'user', content: 'stream' }],
    });
    for await (const chunk of stream) void chunk;
    await expect(
      client(gw, 'vr_not-a-key').chat.completions.create({
        model: 'metrics-sim',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      openai.chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      openai.chat.completions.create({
        model: 'metrics-down',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: expect.any(Number) });
    await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${org.key}` } });

    const after = remember(await scrape(gw.app, TOKEN));
    const moved = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('http_request_duration_seconds_count', { ...CHAT, status: '200' })).toBe(4);
    expect(moved('http_request_duration_seconds_count', { ...CHAT, status: '401' })).toBe(1);
    expect(
      moved('http_request_duration_seconds_count', { route: '/v1/models', status: '200' }),
    ).toBe(1);
    expect(moved('velvet_gateway_admissions_total', { outcome: 'admitted' })).toBe(4);
    expect(
      moved('velvet_gateway_admissions_total', { outcome: 'refused', reason: 'invalid_api_key' }),
    ).toBe(1);
    expect(
      moved('velvet_gateway_admissions_total', { outcome: 'refused', reason: 'model_not_found' }),
    ).toBe(1);
    expect(
      moved('velvet_gateway_upstream_duration_seconds_count', {
        upstream: 'simulator',
        mode: 'complete',
        outcome: 'ok',
      }),
    ).toBe(3);
    expect(
      moved('velvet_gateway_upstream_duration_seconds_count', {
        upstream: 'simulator',
        mode: 'stream',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(moved('velvet_gateway_upstream_errors_total', { upstream: 'openai_compatible' })).toBe(
      1,
    );
    expect(hasSeries(after, 'velvet_snapshot_age_seconds', { snapshot: 'catalog' })).toBe(true);
    expect(hasSeries(after, 'velvet_stream_length', { stream: 'usage' })).toBe(true);
    expect(hasSeries(after, 'velvet_stream_lag_seconds', { stream: 'gateway_audit' })).toBe(true);
    expect(hasSeries(after, 'nodejs_eventloop_lag_seconds', { app: 'gateway' })).toBe(true);
  });

  it('gateway: /metrics wants the token and is not on the public port; liveness and readiness are apart', async () => {
    expect((await fetch(`${metricsUrl(gw.app)}/metrics`)).status).toBe(401);
    expect(
      (
        await fetch(`${metricsUrl(gw.app)}/metrics`, {
          headers: { authorization: 'Bearer wrong-token-wrong-token' },
        })
      ).status,
    ).toBe(401);
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${gw.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      redis: 'up',
      snapshots: { catalogAgeMs: expect.any(Number) },
    });
  });

  it('portal: requests by route template and status; /metrics absent from the public port', async () => {
    const before = await scrape(portal.app);
    expect((await fetch(`${portal.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${portal.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${portal.url}/organizations/not-a-uuid`)).status).toBe(401);
    expect((await fetch(`${portal.url}/metrics`)).status).toBe(404);
    const after = remember(await scrape(portal.app));
    const moved = (labels: Record<string, string>) =>
      sample(after, 'http_request_duration_seconds_count', labels) -
      sample(before, 'http_request_duration_seconds_count', labels);
    expect(moved({ route: '/health/ready', status: '200' })).toBe(1);
    expect(moved({ route: '/health/live', status: '200' })).toBe(1);
    // the id never becomes a label: refused before routing params or after, it is one series
    expect(after).not.toContain('not-a-uuid');
  });

  it('audit worker: queue depth, stream backlog, tree size and checkpoint age, readiness on the metrics port', async () => {
    const worker = await startAuditWorker(gw.database.url, gw.env.QUEUE_PREFIX, {
      METRICS_PORT: '0',
    });
    try {
      const text = remember(await scrape(worker));
      expect(hasSeries(text, 'velvet_queue_jobs', { queue: 'audit', state: 'wait' })).toBe(true);
      expect(hasSeries(text, 'velvet_stream_length', { stream: 'gateway_audit' })).toBe(true);
      expect(hasSeries(text, 'velvet_audit_tree_size', { tree: 'appended' })).toBe(true);
      expect(hasSeries(text, 'velvet_queue_oldest_waiting_seconds', { queue: 'audit' })).toBe(true);
      const ready = await fetch(`${metricsUrl(worker)}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, database: 'up', redis: 'up' });
      expect((await fetch(`${metricsUrl(worker)}/health/live`)).status).toBe(200);
    } finally {
      await worker.close();
    }
  });

  it('the Grafana dashboard asks only for series the apps export', async () => {
    // the detection worker's histogram, registered as its app does
    const detection = createMetricsRegistry('detection-worker');
    new DetectionMetrics(detection, null as never, null as never, null as never);
    remember(await detection.metrics());
    const dashboard = readFileSync(
      join(__dirname, '..', 'docker', 'grafana', 'dashboards', 'velvet-rope.json'),
      'utf8',
    );
    const asked = new Set(
      [...dashboard.matchAll(/\b((?:velvet|http|nodejs|process)_\w+)/g)].map((m) =>
        m[1].replace(/_(bucket|count|sum)$/, ''),
      ),
    );
    expect(asked.size).toBeGreaterThan(10);
    expect([...asked].filter((name) => !seen.has(name))).toEqual([]);
  });
});
