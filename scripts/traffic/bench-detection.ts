/**
 * `npm run bench:detection`: how long one detection run takes over a large audit history. The
 * history is SYNTHESISED directly into a scratch database (audit_log rows with random prompt
 * fingerprints, and the band memory detection keeps), not replayed through the gateway: the run
 * reads features, never texts, so what matters is how many rows it touches.
 *
 * Env: BENCH_CALLS (default 10,000,000), BENCH_DAYS (30), BENCH_ORGS (2,000), BENCH_RUNS (3).
 * Prints the history size, the window's and horizon's size, and each run's wall time. Needs
 * several GB of disk; the scratch database is dropped at the end (BENCH_KEEP_DB=1 keeps it).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Logger } from '@nestjs/common';
import { AUDIT_LEAF_CONSTRAINT } from '@velvet/audit';
import { AdminActivityLog } from '@velvet/common';
import { dropDatabase, ensureDatabase, migrate } from '@velvet/database';
import { DETECTION_ENTITIES, DetectionRunService } from '@velvet/detection';
import { DataSource } from 'typeorm';
import { AlertCaseWriter } from '@velvet/detection';
import { AuditFeatureReader } from '@velvet/detection';
import { HorizonReader } from '@velvet/detection';

const CALLS = Number(process.env.BENCH_CALLS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const ORGS = Number(process.env.BENCH_ORGS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const AS_OF = new Date(Date.UTC(2026, 5, 1, 12, 0));

/** Cases need an activity log; the synthetic traffic is application-shaped, so none should open. */
class CountingActivityLog extends AdminActivityLog {
  opened = 0;
  async record(): Promise<void> {
    this.opened++;
  }
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/** CPU seconds (user + system) of PostgreSQL backends serving this database, from /proc (Linux, same host). */
async function backendCpuSeconds(db: DataSource): Promise<number | null> {
  const rows: { pid: number }[] = await db.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  let ticks = 0;
  try {
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / 100;
}

/**
 * A run's CPU time: this process (the detection code) and the database backends it used. On a
 * shared machine wall time mostly measures the others' load; CPU time is the run's own cost.
 */
async function cpuOf<T>(db: DataSource, f: () => Promise<T>): Promise<T> {
  const node0 = process.cpuUsage();
  const pg0 = await backendCpuSeconds(db);
  const out = await f();
  const node = process.cpuUsage(node0);
  const pg1 = await backendCpuSeconds(db);
  const pg = pg0 !== null && pg1 !== null ? `${(pg1 - pg0).toFixed(1)} s` : 'unknown';
  console.log(
    `  CPU: detection process ${((node.user + node.system) / 1e6).toFixed(1)} s, database backends ${pg}; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  return out;
}

async function main() {
  Logger.overrideLogger(['warn', 'error']);
  const url = `${process.env.EVAL_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432'}/velvet_bench_detection_${Date.now().toString(36)}`;
  await ensureDatabase(url);
  await migrate(url);
  const db = await new DataSource({
    type: 'postgres',
    url,
    // Backends stay for the whole bench, so their CPU counters cover every run.
    poolSize: 4,
    extra: { idleTimeoutMillis: 0 },
    entities: [...DETECTION_ENTITIES],
  }).initialize();
  try {
    await db.query(
      `INSERT INTO organizations (name, slug) SELECT 'bench ' || i, 'bench-' || i FROM generate_series(1, $1) i`,
      [ORGS],
    );
    // The synthetic rows carry no Merkle leaves, so the integrity CHECK (every column equals its leaf)
    // would refuse them; this scratch database is for timing detection's reads, not the log's proofs.
    await db.query(`ALTER TABLE audit_log DROP CONSTRAINT ${AUDIT_LEAF_CONSTRAINT}`);
    // Indexes the synthetic history does not need are dropped first (a scratch database): the load is 10x faster.
    await db.query(`DROP INDEX IF EXISTS audit_log_flags, audit_log_model_time`);
    const start = new Date(AS_OF.getTime() - DAYS * 86_400_000);
    await timed(
      `synthesised ${CALLS.toLocaleString()} premium calls over ${DAYS} days for ${ORGS} organisations`,
      () =>
        db.query(
          `WITH o AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM organizations)
         INSERT INTO audit_log (seq, event_id, kind, organization_id, api_key_id, occurred_at, enqueued_at, params, input_tokens,
                                output_tokens, status, finish_reason, flags, prompt_minhash, prompt_bands, leaf, leaf_hash)
         SELECT s, 'bench-' || s, 'premium_call', o.id,
                md5(o.id::text || (s % 5))::uuid,
                $2::timestamptz + (s::float8 / $1) * ($3::timestamptz - $2::timestamptz),
                now(), '{"temperature": 0.3}'::jsonb, 200, 150, 'succeeded', 'stop', ARRAY['system_prompt', 'single_turn'],
                -- fingerprints: distinct per call (every prompt new, the band memory's worst case); the values
                -- do not change what a run costs. Signatures only for the last week, which is all a run reads.
                CASE WHEN s > $1 * (1 - 7.0 / $4) THEN array_fill(hashint8(s), ARRAY[64]) END,
                ARRAY[s * 16, s * 16 + 1, s * 16 + 2, s * 16 + 3, s * 16 + 4, s * 16 + 5, s * 16 + 6, s * 16 + 7,
                      s * 16 + 8, s * 16 + 9, s * 16 + 10, s * 16 + 11, s * 16 + 12, s * 16 + 13, s * 16 + 14, s * 16 + 15]::bigint[],
                '', decode(repeat('00', 32), 'hex')
           FROM generate_series(0, $1 - 1) s JOIN o ON o.n = (hashint4(s::int) & 2147483647) % $5`,
          [CALLS, start, AS_OF, DAYS, ORGS],
        ),
    );
    // The band memory as runs would have left it. Bulk-loaded (every synthetic band is distinct, so
    // no grouping or conflict handling), its indexes rebuilt afterwards: a scratch-database shortcut.
    await timed('band memory (detection_prompt_bands) built from the history', async () => {
      await db.query(
        `ALTER TABLE detection_prompt_bands DROP CONSTRAINT detection_prompt_bands_pkey`,
      );
      await db.query(`DROP INDEX detection_prompt_bands_band`);
      await db.query(`DROP INDEX detection_prompt_bands_last_seen`);
      await db.query(
        `INSERT INTO detection_prompt_bands (organization_id, band, first_seen, last_seen)
         SELECT a.organization_id, x.band, a.occurred_at, a.occurred_at FROM audit_log a CROSS JOIN LATERAL unnest(a.prompt_bands[1:8]) x(band)
          WHERE a.occurred_at <= $1`,
        [new Date(AS_OF.getTime() - 20 * 60_000)],
      );
      await db.query(`ALTER TABLE detection_prompt_bands ADD PRIMARY KEY (organization_id, band)`);
      await db.query(
        `CREATE INDEX detection_prompt_bands_band ON detection_prompt_bands (band, first_seen)`,
      );
      await db.query(
        `CREATE INDEX detection_prompt_bands_last_seen ON detection_prompt_bands (last_seen)`,
      );
      const [hours] = await db.query(`SELECT count(*)::int AS n FROM detection_prompt_bands`);
      console.log(`  ${hours.n.toLocaleString()} band rows`);
    });
    await db.query('ANALYZE');
    const [{ window, horizon }] = await db.query(
      `SELECT count(*) FILTER (WHERE occurred_at > $1)::int AS window, count(*)::int AS horizon FROM audit_log WHERE occurred_at > $2 AND occurred_at <= $3`,
      [new Date(AS_OF.getTime() - 20 * 60_000), new Date(AS_OF.getTime() - 6 * 3_600_000), AS_OF],
    );
    console.log(`window (20 min): ${window} calls; horizon (6 h): ${horizon} calls`);
    const activity = new CountingActivityLog();
    const service = new DetectionRunService(
      db,
      new AuditFeatureReader(db),
      new HorizonReader(db),
      new AlertCaseWriter(db, activity),
      { budgetMs: 3_600_000 },
    );
    for (let i = 0; i < RUNS; i++) {
      const asOf = new Date(AS_OF.getTime() - (RUNS - 1 - i) * 5 * 60_000);
      const summary = await timed(`detection run ${i + 1} (as of ${asOf.toISOString()})`, () =>
        cpuOf(db, () => service.run(asOf)),
      );
      console.log(
        `  ${summary.organizations} organisations, ${summary.keys} keys scored, ${summary.alerting} alerting, ${summary.organizationsDeferred} deferred`,
      );
    }
  } finally {
    await db.destroy();
    if (!process.env.BENCH_KEEP_DB) await dropDatabase(url);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
