import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  client,
  type RunningGateway,
  refreshCatalog,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';
import { metricsUrl, scrape } from './support/metrics';
import { freePort } from './support/app-process';

const TOKEN = 'metrics-token-for-prometheus-0123';
/** Debian's `prometheus` package (apt-get install prometheus): the real scraper and its promtool. */
const installed = (bin: string) => spawnSync(bin, ['--version']).status === 0;
const available = installed('prometheus') && installed('promtool');
const maybe = available ? describe : describe.skip;
if (!available)
  console.warn(
    'prometheus/promtool not installed (apt-get install prometheus): test/prometheus-scrape.e2e-spec.ts skipped',
  );

/**
 * A real Prometheus scrapes the gateway's private /metrics listener with its bearer token (as
 * docker/prometheus.yml does) while the OpenAI SDK sends traffic; its query API then answers the
 * request counts, and promtool accepts the exposition text.
 */
maybe('Prometheus scrapes the gateway (e2e)', () => {
  let gw: RunningGateway;
  let prometheus: ChildProcess;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    gw = await startGateway({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'velvet-prometheus-'));
    const target = new URL(metricsUrl(gw.app)).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s }',
        'scrape_configs:',
        '  - job_name: gateway',
        `    authorization: { type: Bearer, credentials: ${TOKEN} }`,
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr!.on('data', (d) => process.stderr.write(`[prometheus] ${d}`));
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await gw?.close();
  });

  const query = async (q: string): Promise<number | null> => {
    const res = await fetch(`${api}/query?query=${encodeURIComponent(q)}`).catch(() => null);
    if (!res?.ok) return null;
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    const [first] = body.data.result;
    return first ? Number(first.value[1]) : null;
  };
  const until = async (q: string, ok: (v: number) => boolean): Promise<number | null> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const v = await query(q);
      if ((v !== null && ok(v)) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('reads the request and admission series the gateway exports, scraped with the token', async () => {
    expect(await until('up{job="gateway"}', (v) => v === 1)).toBe(1);
    await seedTiers(gw);
    await seedModel(gw, { slug: 'prom-sim' });
    await refreshCatalog(gw);
    const org = await seedOrg(gw);
    const openai = client(gw, org.key);
    for (let i = 0; i < 5; i++)
      await openai.chat.completions.create({
        model: 'prom-sim',
        messages: [{ role: 'user', content: `hi ${i}` }],
      });
    const served = (q: string) => until(q, (v) => v >= 5);
    expect(
      await served(
        'sum(http_request_duration_seconds_count{job="gateway",route="/v1/chat/completions",status="200"})',
      ),
    ).toBe(5);
    expect(
      await served('sum(velvet_gateway_admissions_total{job="gateway",outcome="admitted"})'),
    ).toBe(5);
    // Histograms are usable as Prometheus histograms (buckets, le label), gauges read at scrape time.
    expect(
      await until(
        'histogram_quantile(0.5, sum by (le) (http_request_duration_seconds_bucket{job="gateway"}))',
        (v) => v >= 0,
      ),
    ).not.toBeNull();
    expect(
      await until('velvet_snapshot_age_seconds{snapshot="catalog"}', (v) => v >= 0),
    ).not.toBeNull();
  });

  it('promtool accepts the exposition text', async () => {
    const text = await scrape(gw.app, TOKEN);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // Exit 1 with lint findings only (naming advice) is still a parsable exposition; a parse
    // error says "error while linting" / "parse error".
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/parse error|error while linting/i);
  });
});
