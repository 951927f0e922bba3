/**
 * `npm run bench:usage`: the usage dashboard's queries on a 10-million-row usage table.
 *   1. seeds USAGE_BENCH_ROWS (10 M) usage records over 90 days in a scratch database with one
 *      INSERT … SELECT generate_series per million rows (as superuser with session_replication_role
 *      = replica: no foreign-key or rollup trigger per row): one large organisation with half of them
 *      (50 keys x 8 models, every hour), USAGE_BENCH_ORGS - 1 small ones sharing the rest; then runs
 *      the two rollup migrations' down() and up() on that history, timing each up() (it holds a SHARE
 *      lock on usage_records, i.e. how long ingest waits when the migration runs on a big table);
 *   2. runs what the analytics page asks for, USAGE_BENCH_RUNS times each, for the large
 *      organisation and for small ones, and prints p50/p95 wall time and the mean CPU time per query
 *      (this process plus its PostgreSQL backend, read from /proc: less bent by the machine's load),
 *      and the page load (its four requests at once, as the page sends them);
 *   3. A/B in the same run: the per-key, hourly and model x key views read from the fine rollups
 *      (usage_daily, usage_hourly: before migration 1764070000000), the daily spend summed from
 *      usage_records, and an ingest batch of 500 records with the rollup triggers on and off;
 *   4. the ingest's CPU per batch (this process plus its PostgreSQL backend) for batches of
 *      USAGE_BENCH_INGEST_SIZES (50,200) records, and, with USAGE_BENCH_INGEST_BASE=<other build's
 *      dist>, the same for that build's UsageIngestor, the two taking turns in the same run;
 *      USAGE_BENCH_INGEST_GAP_MS=200 waits that long after each batch, as the worker does between
 *      batches when calls trickle in (its code then runs cold, as deployed at low call rates).
 * USAGE_BENCH_INGEST_ONLY=1 seeds and runs part 4 alone.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  encodeUsage,
  SpendQueries,
  UsageAnalyticsService,
  UsageIngestor,
  type UsageQuery,
  UsageStatus,
} from '@velvet/metering';
import { TEAMS_RELATION_SQL } from '@velvet/teams';
import { Client } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
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

const connect = (url: string, poolSize = 4) =>
  new DataSource(dataSourceOptions({ url, poolSize })).initialize();
/** The server's superuser (as scratch() creates databases): only it may skip triggers while seeding. */
const SUPERUSER = process.env.USAGE_BENCH_SUPERUSER ?? 'postgres';

/** The rollup migrations, newest first, as the data source holds them. */
const ROLLUP_MIGRATIONS = ['UsageRollupsByKey1764070000000', 'UsageRollups1764060400000'];

async function seed(
  super_: Client,
  ownerDs: DataSource,
): Promise<{ big: string; small: string[] }> {
  await seedCatalog(ownerDs);
  await super_.query(
    `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream)
     SELECT 'bench-model-' || i, 'Bench ' || i, 'standard', 1000000, 2000000, '{"kind":"simulator"}' FROM generate_series(1, 8) i`,
  );
  const { rows: models } = await super_.query(`SELECT id FROM models ORDER BY slug LIMIT 8`);
  const { rows: orgs } = await super_.query(
    `INSERT INTO organizations (name, slug) SELECT 'Bench ' || i, 'bench-' || i FROM generate_series(1, $1) i RETURNING id`,
    [ORGS],
  );
  const big = orgs[0].id as string;
  await super_.query(
    `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash)
     SELECT o.id, 'key-' || k, substr(md5(o.id::text || k), 1, 12), 'x'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n), generate_series(1, CASE WHEN o.n = 1 THEN 50 ELSE 5 END) k`,
    [orgs.map((o) => o.id)],
  );
  // keys and models as arrays the generator indexes into
  await super_.query(`CREATE TEMP TABLE bench_keys AS
    SELECT organization_id, array_agg(id ORDER BY name) AS ids FROM api_keys GROUP BY 1`);
  await super_.query(
    `CREATE TEMP TABLE bench_orgs AS
    SELECT row_number() OVER (ORDER BY o.id = $1 DESC, o.id) - 1 AS n, o.id, k.ids
      FROM organizations o JOIN bench_keys k ON k.organization_id = o.id`,
    [big],
  );
  // no trigger per row (foreign keys, rollups): the rollups are built by the migrations below
  await super_.query(`SET session_replication_role = replica`);
  await super_.query(`SET synchronous_commit = off`);
  const t0 = process.hrtime.bigint();
  for (let from = 0; from < ROWS; from += CHUNK) {
    // even i: the large organisation; odd i: a small one. Times spread evenly over the 90 days.
    await super_.query(
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
  await super_.query(`SET session_replication_role = origin`);
  await super_.query(`ANALYZE usage_records`);
  await rebuildRollups(ownerDs);
  await super_.query(`ANALYZE`);
  const sizes = await super_.query(
    `SELECT (SELECT count(*) FROM usage_records)::int AS raw, (SELECT count(*) FROM usage_hourly)::int AS hourly,
            (SELECT count(*) FROM usage_daily)::int AS daily,
            (SELECT count(*) FROM usage_daily WHERE organization_id = $1)::int AS big_daily,
            (SELECT count(*) FROM usage_daily_keys WHERE organization_id = $1)::int AS big_daily_keys,
            (SELECT count(*) FROM usage_monthly WHERE organization_id = $1)::int AS big_monthly,
            (SELECT count(*) FROM usage_hourly WHERE organization_id = $1)::int AS big_hourly,
            (SELECT count(*) FROM usage_hourly_models WHERE organization_id = $1)::int AS big_hourly_models`,
    [big],
  );
  console.log(`rollup rows: ${JSON.stringify(sizes.rows[0])}`);
  return { big, small: orgs.slice(1, 21).map((o) => o.id) };
}

/**
 * The rollup migrations' down() then up() over the seeded history, each up() timed: it holds a SHARE
 * lock on usage_records for its whole transaction, so this is how long ingest waits on a table this big.
 */
async function rebuildRollups(ownerDs: DataSource): Promise<void> {
  const byName = (name: string) => ownerDs.migrations.find((m) => m.name === name)!;
  const run = async (f: (q: QueryRunner) => Promise<unknown>) => {
    const q = ownerDs.createQueryRunner();
    await q.startTransaction();
    const t0 = process.hrtime.bigint();
    await f(q);
    await q.commitTransaction();
    await q.release();
    return ms(t0);
  };
  for (const name of ROLLUP_MIGRATIONS) await run((q) => byName(name).down(q));
  for (const name of [...ROLLUP_MIGRATIONS].reverse()) {
    const took = await run((q) => byName(name).up(q));
    console.log(`  ${name}.up(): ${(took / 1000).toFixed(1)} s under the lock (load ${load()})`);
  }
}

/** CPU time (ms) of this process plus the PostgreSQL backend serving `db`, which must have one connection. */
async function cpuMeter(db: DataSource): Promise<() => number> {
  const [{ pid }] = await db.query(`SELECT pg_backend_pid() AS pid`);
  const tick = 1000 / 100; // USER_HZ
  const backend = () => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      return NaN; // PostgreSQL on another host
    }
  };
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000 + backend();
  };
}

let cpu: () => number = () => NaN;

async function timed(runs: number, f: (i: number) => Promise<unknown>): Promise<Timing> {
  const out: number[] = [];
  const c0 = cpu();
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await f(i);
    out.push(ms(t0));
  }
  return { wall: out.sort((a, b) => a - b), cpuMs: (cpu() - c0) / runs };
}

interface Timing {
  wall: number[];
  cpuMs: number;
}

const line = (name: string, t: Timing) =>
  console.log(
    `  ${name.padEnd(50)} p50 ${percentile(t.wall, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(t.wall, 95).toFixed(1).padStart(7)} ms   cpu ${t.cpuMs.toFixed(1).padStart(6)} ms   (n=${t.wall.length})`,
  );

const quarter = (organizationId: string, extra: Partial<UsageQuery> = {}): UsageQuery => ({
  organizationId,
  from: day(-89),
  to: day(0),
  granularity: 'day',
  groupBy: 'none',
  ...extra,
});

async function dashboard(
  usage: UsageAnalyticsService,
  spend: SpendQueries,
  pageLoad: () => UsageAnalyticsService,
  orgs: () => string,
) {
  const queries: [string, (org: string) => Promise<unknown>][] = [
    ['report, 90 days by day', (o) => usage.report(quarter(o))],
    ['report, 90 days by day per model', (o) => usage.report(quarter(o, { groupBy: 'model' }))],
    ['report, 90 days by day per key', (o) => usage.report(quarter(o, { groupBy: 'key' }))],
    ['report, 90 days by day per team', (o) => usage.report(quarter(o, { groupBy: 'team' }))],
    [
      'report, 90 days by day, one key',
      async (o) => usage.report(quarter(o, { apiKeyId: (await keysOf(o))[0] })),
    ],
    [
      'report, 7 days by hour',
      (o) => usage.report(quarter(o, { from: day(-6), granularity: 'hour' })),
    ],
    [
      'report, 7 days by hour per model',
      (o) => usage.report(quarter(o, { from: day(-6), granularity: 'hour', groupBy: 'model' })),
    ],
    ['breakdown model x key, 90 days', (o) => usage.breakdown(quarter(o))],
    ['breakdown model x key, 30 days', (o) => usage.breakdown(quarter(o, { from: day(-29) }))],
    ['spend page: daily spend 90 days', (o) => spend.daily(o, 90)],
    ['CSV export, 30 days by day (not a view)', (o) => usage.lines(quarter(o, { from: day(-29) }))],
  ];
  for (const [name, q] of queries) line(name, await timed(RUNS, () => q(orgs())));
  // the analytics page's load: its four requests at once, on a pool of four connections
  const page = pageLoad();
  line(
    'page load (4 concurrent requests)',
    await timed(RUNS, () => {
      const o = orgs();
      return Promise.all([
        page.report(quarter(o)),
        page.report(quarter(o, { groupBy: 'model' })),
        page.breakdown(quarter(o)),
        spend.daily(o, 90),
      ]);
    }),
  );
}

const keyCache = new Map<string, string[]>();
let keysOf: (org: string) => Promise<string[]>;

/**
 * The per-key, hourly and model x key reads as bare SQL (no labels, refusals or mapping), from the
 * fine rollups (before migration 1764070000000) and from the coarse ones (now): the database's share.
 */
async function before(app: DataSource, org: string): Promise<void> {
  const range = [org, day(-89), day(0)];
  const runs = Math.min(RUNS, 20);
  const pairs: [string, string, unknown[]][] = [
    [
      'per key by day from usage_daily (before)',
      `SELECT day::text, api_key_id, currency, sum(requests), sum(cost_micros)::text FROM usage_daily
        WHERE organization_id = $1 AND day >= $2::date AND day <= $3::date GROUP BY 1, 2, 3`,
      range,
    ],
    [
      'per key by day from usage_daily_keys (now)',
      `SELECT day::text, api_key_id, currency, sum(requests), sum(cost_micros)::text FROM usage_daily_keys
        WHERE organization_id = $1 AND day >= $2::date AND day <= $3::date GROUP BY 1, 2, 3`,
      range,
    ],
    [
      'hourly 7 days from usage_hourly (before)',
      `SELECT hour, currency, sum(requests), sum(cost_micros)::text FROM usage_hourly
        WHERE organization_id = $1 AND hour >= $2::date AND hour < $3::date + 1 GROUP BY 1, 2`,
      [org, day(-6), day(0)],
    ],
    [
      'hourly 7 days from usage_hourly_models (now)',
      `SELECT hour, currency, sum(requests), sum(cost_micros)::text FROM usage_hourly_models
        WHERE organization_id = $1 AND hour >= $2::date AND hour < $3::date + 1 GROUP BY 1, 2`,
      [org, day(-6), day(0)],
    ],
    [
      'model x key 90 days from usage_daily (before)',
      `SELECT model_id, api_key_id, currency, sum(requests), sum(cost_micros)::text FROM usage_daily
        WHERE organization_id = $1 AND day >= $2::date AND day <= $3::date GROUP BY 1, 2, 3`,
      range,
    ],
  ];
  for (const [name, sql, params] of pairs)
    line(name, await timed(runs, () => app.query(sql, params)));
}

type Ingest = (entries: [string, string[]][]) => Promise<void>;

/** A usage ingest of `dist`'s build (this build's when omitted), writing through `app`. */
async function ingestorOf(app: DataSource, dist?: string): Promise<Ingest> {
  const build = dist
    ? ((await import(`${dist}/libs/metering/src/index.js`)) as {
        UsageIngestor: typeof UsageIngestor;
      })
    : { UsageIngestor };
  const ingestor = new build.UsageIngestor({ redisUrl: 'redis://unused', prefix: 'unused' }, app);
  return (entries) => ingestor.ingest(entries);
}

/** `size` usage stream entries of `org`, as the gateway appends them. */
async function usageBatches(app: DataSource, org: string) {
  const rows = await app.query(
    `SELECT k.id AS key, (SELECT id FROM models LIMIT 1) AS model FROM api_keys k WHERE organization_id = $1 LIMIT 1`,
    [org],
  );
  return (size: number) =>
    Array.from({ length: size }, (_, i) => [
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
}

async function ingestAB(app: DataSource, owner: Client, org: string): Promise<void> {
  const ingest = await ingestorOf(app);
  const batches = await usageBatches(app, org);
  const batch = () => batches(500);
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
      await ingest(batch());
      into.push(ms(t0));
    }
  }
  await owner.query(`ALTER TABLE usage_records ENABLE TRIGGER USER`);
  line('ingest batch of 500, rollup triggers ON', { wall: on.sort((a, b) => a - b), cpuMs: NaN });
  line('ingest batch of 500, rollup triggers OFF', { wall: off.sort((a, b) => a - b), cpuMs: NaN });
}

/**
 * CPU per ingest batch, this build against USAGE_BENCH_INGEST_BASE's when given: 10 rounds of 10
 * batches each, the builds taking turns, batches made before the clock starts.
 */
async function ingestCpu(app: DataSource, org: string): Promise<void> {
  console.log(`\nusage ingest, CPU per batch (this process and its backend), load ${load()}:`);
  const base = process.env.USAGE_BENCH_INGEST_BASE;
  const builds: [string, Ingest][] = [['this build', await ingestorOf(app)]];
  if (base) builds.push([`base (${base})`, await ingestorOf(app, base)]);
  const batches = await usageBatches(app, org);
  const gapMs = Number(process.env.USAGE_BENCH_INGEST_GAP_MS ?? 0);
  for (const size of (process.env.USAGE_BENCH_INGEST_SIZES ?? '50,200').split(',').map(Number)) {
    const cpuMs = builds.map(() => 0);
    const wall: number[][] = builds.map(() => []);
    for (let round = 0; round < 10; round++) {
      for (const [b, [, ingest]] of builds.entries()) {
        const made = Array.from({ length: 10 }, () => batches(size));
        const t = await timed(10, async (i) => {
          await ingest(made[i]);
          if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        });
        cpuMs[b] += t.cpuMs / 10;
        wall[b].push(...t.wall);
      }
    }
    for (const [b, [name]] of builds.entries())
      line(`ingest batch of ${size}${gapMs ? `, ${gapMs} ms apart` : ''}, ${name}`, {
        wall: wall[b].sort((x, y) => x - y),
        cpuMs: cpuMs[b],
      });
    if (base)
      console.log(
        `  CPU per batch of ${size}, this build / base: ${(cpuMs[0] / cpuMs[1]).toFixed(2)}`,
      );
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:usage: ${ROWS.toLocaleString('en-US')} usage rows, ${ORGS} organisations, load ${load()}`,
  );
  const s = await scratch('usage');
  const super_ = new Client({ connectionString: urlAs(s.url, SUPERUSER) });
  await super_.connect();
  const owner = new Client({ connectionString: urlAs(s.url, OWNER_ROLE) });
  await owner.connect();
  const ownerDs = await connect(urlAs(s.url, OWNER_ROLE));
  // one connection, so that its backend's CPU time is the queries'; the page load gets four
  const app = await connect(s.url, 1);
  const app4 = await connect(s.url, 4);
  try {
    const { big, small } = await seed(super_, ownerDs);
    const usage = new UsageAnalyticsService(app, TEAMS_RELATION_SQL);
    const spend = new SpendQueries(app);
    keysOf = async (org) => {
      if (!keyCache.has(org))
        keyCache.set(
          org,
          (
            await app.query(`SELECT id FROM api_keys WHERE organization_id = $1 ORDER BY name`, [
              org,
            ])
          ).map((r: { id: string }) => r.id),
        );
      return keyCache.get(org)!;
    };
    cpu = await cpuMeter(app);
    if (process.env.USAGE_BENCH_INGEST_ONLY === '1') return await ingestCpu(app, big);
    await usage.report(quarter(big, { from: day(-1) }));
    console.log(
      `\nlarge organisation (${(ROWS / 2).toLocaleString('en-US')} rows), load ${load()}:`,
    );
    await dashboard(
      usage,
      spend,
      () => new UsageAnalyticsService(app4, TEAMS_RELATION_SQL),
      () => big,
    );
    let n = 0;
    console.log(
      `\nsmall organisations (~${Math.round(ROWS / 2 / (ORGS - 1)).toLocaleString('en-US')} rows each), load ${load()}:`,
    );
    await dashboard(
      usage,
      spend,
      () => new UsageAnalyticsService(app4, TEAMS_RELATION_SQL),
      () => small[n++ % small.length],
    );
    console.log(`\nA/B, large organisation, load ${load()}:`);
    await before(app, big);
    line(
      'daily spend 90 days from usage_records (before)',
      await timed(3, () =>
        app.query(
          `SELECT (occurred_at AT TIME ZONE 'UTC')::date::text AS day, SUM(cost_micros)::text FROM usage_records
            WHERE organization_id = $1 AND status = ANY($2) AND occurred_at >= $3::date GROUP BY 1`,
          [big, ['succeeded', 'cancelled', 'interrupted'], day(-89)],
        ),
      ),
    );
    await ingestAB(app, owner, big);
    await ingestCpu(app, big);
    console.log(`\ndone, load ${load()}`);
  } finally {
    await app.destroy();
    await app4.destroy();
    await ownerDs.destroy();
    await owner.end();
    await super_.end();
    await s.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
