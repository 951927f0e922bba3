/**
 * `npm run bench:usage`: the usage dashboard's queries on a 10-million-row usage table.
 *   1. seeds USAGE_BENCH_ROWS (10 M) usage records over 90 days in a scratch database: one large
 *      organisation with half of them (50 keys x 8 models, every hour), USAGE_BENCH_ORGS - 1 small
 *      ones sharing the rest; the rollup triggers are disabled while seeding, then the rollups are
 *      built in one pass (timed), as the migration does for an existing history;
 *   2. runs what the analytics page asks for, USAGE_BENCH_RUNS times each, for the large
 *      organisation and for small ones, and prints p50/p95 per query and per page load (its four
 *      requests run concurrently, as the page sends them);
 *   3. A/B in the same run: the same quarter's daily spend summed from usage_records (what the
 *      spend page did before), and an ingest batch of 500 records with the rollup triggers on and off.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import {
  encodeUsage,
  SpendQueries,
  UsageAnalyticsService,
  UsageIngestor,
  type UsageQuery,
  UsageStatus,
} from '@velvet/metering';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { percentile, scratch } from './audit/audit-harness';
import { seedCatalog } from './seed/seed-catalog';
import { dataSourceOptions, OWNER_ROLE, urlAs } from '@velvet/database';

const ROWS = Number(process.env.USAGE_BENCH_ROWS ?? 10_000_000);
const ORGS = Number(process.env.USAGE_BENCH_ORGS ?? 200);
const RUNS = Number(process.env.USAGE_BENCH_RUNS ?? 40);
const DAYS = 90;
const CHUNK = 1_000_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const connect = (url: string) =>
  new DataSource(dataSourceOptions({ url, poolSize: 4 })).initialize();

async function seed(owner: Client, ownerDs: DataSource): Promise<{ big: string; small: string[] }> {
  await seedCatalog(ownerDs);
  await owner.query(
    `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream)
     SELECT 'bench-model-' || i, 'Bench ' || i, 'standard', 1000000, 2000000, '{"kind":"simulator"}' FROM generate_series(1, 8) i`,
  );
  const { rows: models } = await owner.query(`SELECT id FROM models ORDER BY slug LIMIT 8`);
  const { rows: orgs } = await owner.query(
    `INSERT INTO organizations (name, slug) SELECT 'Bench ' || i, 'bench-' || i FROM generate_series(1, $1) i RETURNING id`,
    [ORGS],
  );
  const big = orgs[0].id as string;
  await owner.query(
    `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash)
     SELECT o.id, 'key-' || k, substr(md5(o.id::text || k), 1, 12), 'x'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n), generate_series(1, CASE WHEN o.n = 1 THEN 50 ELSE 5 END) k`,
    [orgs.map((o) => o.id)],
  );
  // keys and models as arrays the generator indexes into
  await owner.query(`CREATE TEMP TABLE bench_keys AS
    SELECT organization_id, array_agg(id ORDER BY name) AS ids FROM api_keys GROUP BY 1`);
  await owner.query(
    `CREATE TEMP TABLE bench_orgs AS
    SELECT row_number() OVER (ORDER BY o.id = $1 DESC, o.id) - 1 AS n, o.id, k.ids
      FROM organizations o JOIN bench_keys k ON k.organization_id = o.id`,
    [big],
  );
  await owner.query(`ALTER TABLE usage_records DISABLE TRIGGER USER`);
  const t0 = process.hrtime.bigint();
  for (let from = 0; from < ROWS; from += CHUNK) {
    // even i: the large organisation; odd i: a small one. Times spread evenly over the 90 days.
    await owner.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
                                  cost_micros, currency, latency_ms, status, occurred_at)
       SELECT 'bench-' || i, o.id, o.ids[1 + (i / 2) % array_length(o.ids, 1)],
              ($4::uuid[])[1 + (i / 7) % CASE WHEN o.n = 0 THEN 8 ELSE 4 END],
              'standard', 200 + i % 500, 100 + i % 900, CASE WHEN i % 50 = 0 THEN 0 ELSE 300 + i % 2000 END, 'USD', 20,
              CASE WHEN i % 50 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'cancelled' ELSE 'succeeded' END,
              now() - make_interval(secs => ($3::bigint - i) * ${DAYS} * 86400.0 / $3::bigint)
         FROM generate_series($1::bigint, $2::bigint) i
         JOIN bench_orgs o ON o.n = CASE WHEN i % 2 = 0 THEN 0 ELSE 1 + (i / 2) % ($5::int - 1) END`,
      [from, Math.min(from + CHUNK, ROWS) - 1, ROWS, models.map((m) => m.id), ORGS],
    );
    console.log(
      `  seeded ${Math.min(from + CHUNK, ROWS).toLocaleString('en-US')} rows (${(ms(t0) / 1000).toFixed(0)} s, load ${load()})`,
    );
  }
  await owner.query(`ALTER TABLE usage_records ENABLE TRIGGER USER`);
  const t1 = process.hrtime.bigint();
  for (const [table, bucket, of, dims] of [
    ['usage_hourly', 'hour', `date_trunc('hour', occurred_at, 'UTC')`, 'model_id, api_key_id'],
    ['usage_daily', 'day', `(occurred_at AT TIME ZONE 'UTC')::date`, 'model_id, api_key_id'],
    ['usage_daily_models', 'day', `(occurred_at AT TIME ZONE 'UTC')::date`, 'model_id'],
  ]) {
    const groups = Array.from({ length: dims.split(',').length + 4 }, (_, i) => i + 1).join(', ');
    // the migration's own backfill statement
    await owner.query(
      `INSERT INTO ${table} (organization_id, ${bucket}, ${dims}, tier, currency, requests, failed, partial, input_tokens, output_tokens, cost_micros)
       SELECT organization_id, ${of}, ${dims}, tier, currency, count(*), count(*) FILTER (WHERE status = 'failed'),
              count(*) FILTER (WHERE status IN ('cancelled', 'interrupted')),
              coalesce(sum(input_tokens) FILTER (WHERE status <> 'failed'), 0), coalesce(sum(output_tokens) FILTER (WHERE status <> 'failed'), 0),
              coalesce(sum(cost_micros) FILTER (WHERE status <> 'failed'), 0)
         FROM usage_records GROUP BY ${groups}`,
    );
  }
  await owner.query(`ANALYZE`);
  const sizes = await owner.query(
    `SELECT (SELECT count(*) FROM usage_records)::int AS raw, (SELECT count(*) FROM usage_hourly)::int AS hourly,
            (SELECT count(*) FROM usage_daily)::int AS daily,
            (SELECT count(*) FROM usage_daily WHERE organization_id = $1)::int AS big_daily,
            (SELECT count(*) FROM usage_hourly WHERE organization_id = $1)::int AS big_hourly`,
    [big],
  );
  console.log(
    `rollups built in ${(ms(t1) / 1000).toFixed(1)} s: ${JSON.stringify(sizes.rows[0])} (load ${load()})`,
  );
  return { big, small: orgs.slice(1, 21).map((o) => o.id) };
}

async function timed(runs: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await f(i);
    out.push(ms(t0));
  }
  return out.sort((a, b) => a - b);
}

const line = (name: string, t: number[]) =>
  console.log(
    `  ${name.padEnd(46)} p50 ${percentile(t, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(t, 95).toFixed(1).padStart(7)} ms   (n=${t.length})`,
  );

async function dashboard(usage: UsageAnalyticsService, spend: SpendQueries, orgs: () => string) {
  const quarter = (organizationId: string, extra: Partial<UsageQuery> = {}): UsageQuery => ({
    organizationId,
    from: day(-89),
    to: day(0),
    granularity: 'day',
    groupBy: 'none',
    ...extra,
  });
  const queries: [string, (org: string) => Promise<unknown>][] = [
    ['report, 90 days by day', (o) => usage.report(quarter(o))],
    ['report, 90 days by day per model', (o) => usage.report(quarter(o, { groupBy: 'model' }))],
    ['report, 90 days by day per key', (o) => usage.report(quarter(o, { groupBy: 'key' }))],
    [
      'report, 7 days by hour',
      (o) => usage.report(quarter(o, { from: day(-6), granularity: 'hour' })),
    ],
    ['breakdown model x key, 90 days', (o) => usage.breakdown(quarter(o))],
    ['CSV lines, 30 days by day', (o) => usage.lines(quarter(o, { from: day(-29) }))],
    ['spend page: daily spend 90 days', (o) => spend.daily(o, 90)],
  ];
  for (const [name, q] of queries) line(name, await timed(RUNS, () => q(orgs())));
  // the analytics page's load: its four requests at once
  line(
    'page load (4 concurrent requests)',
    await timed(RUNS, () => {
      const o = orgs();
      return Promise.all([
        usage.report(quarter(o)),
        usage.report(quarter(o, { groupBy: 'model' })),
        usage.breakdown(quarter(o)),
        spend.daily(o, 90),
      ]);
    }),
  );
}

async function ingestAB(app: DataSource, owner: Client, org: string): Promise<void> {
  const rows = await app.query(
    `SELECT k.id AS key, (SELECT id FROM models LIMIT 1) AS model FROM api_keys k WHERE organization_id = $1 LIMIT 1`,
    [org],
  );
  const ingestor = new UsageIngestor(
    { redisUrl: 'redis://unused', prefix: 'unused', defaults: {} as never },
    app,
  );
  const batch = () =>
    Array.from({ length: 500 }, (_, i) => [
      `${i}-0`,
      [
        'u',
        encodeUsage({
          requestId: randomUUID(),
          organizationId: org,
          apiKeyId: rows[0].key,
          modelId: rows[0].model,
          tier: 'standard',
          inputTokens: 100,
          outputTokens: 100,
          costMicros: 1234n,
          currency: 'USD',
          latencyMs: 10,
          status: UsageStatus.Succeeded,
          streamed: false,
          occurredAt: new Date(Date.now() - (i % 5) * 60_000),
        }),
      ],
    ]) as [string, string[]][];
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < 20; i++) {
    for (const [triggers, into] of [
      [true, on],
      [false, off],
    ] as const) {
      await owner.query(
        `ALTER TABLE usage_records ${triggers ? 'ENABLE' : 'DISABLE'} TRIGGER USER`,
      );
      const t0 = process.hrtime.bigint();
      await ingestor.ingest(batch());
      into.push(ms(t0));
    }
  }
  await owner.query(`ALTER TABLE usage_records ENABLE TRIGGER USER`);
  line(
    'ingest batch of 500, rollup triggers ON',
    on.sort((a, b) => a - b),
  );
  line(
    'ingest batch of 500, rollup triggers OFF',
    off.sort((a, b) => a - b),
  );
}

async function main(): Promise<void> {
  console.log(
    `bench:usage: ${ROWS.toLocaleString('en-US')} usage rows, ${ORGS} organisations, load ${load()}`,
  );
  const s = await scratch('usage');
  const owner = new Client({ connectionString: urlAs(s.url, OWNER_ROLE) });
  await owner.connect();
  const ownerDs = await connect(urlAs(s.url, OWNER_ROLE));
  const app = await connect(s.url);
  try {
    const { big, small } = await seed(owner, ownerDs);
    const usage = new UsageAnalyticsService(app);
    const spend = new SpendQueries(app);
    await usage.report({
      organizationId: big,
      from: day(-1),
      to: day(0),
      granularity: 'day',
      groupBy: 'none',
    });
    console.log(
      `\nlarge organisation (${(ROWS / 2).toLocaleString('en-US')} rows), load ${load()}:`,
    );
    await dashboard(usage, spend, () => big);
    let n = 0;
    console.log(
      `\nsmall organisations (~${Math.round(ROWS / 2 / (ORGS - 1)).toLocaleString('en-US')} rows each), load ${load()}:`,
    );
    await dashboard(usage, spend, () => small[n++ % small.length]);
    console.log(`\nA/B, load ${load()}:`);
    line(
      'daily spend 90 days from usage_records (before)',
      await timed(3, () =>
        s.db.query(
          `SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day, SUM(cost_micros)::text FROM usage_records
            WHERE organization_id = $1 AND status = ANY($2) AND occurred_at >= $3::date GROUP BY 1`,
          [big, ['succeeded', 'cancelled', 'interrupted'], day(-89)],
        ),
      ),
    );
    line(
      'daily spend 90 days from usage_daily (now)',
      await timed(RUNS, () => spend.daily(big, 90)),
    );
    await ingestAB(app, owner, big);
    console.log(`\ndone, load ${load()}`);
  } finally {
    await app.destroy();
    await ownerDs.destroy();
    await owner.end();
    await s.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
