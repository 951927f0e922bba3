/**
 * `npm run bench:audit`: how many premium-call records per second go from the gateway's audit
 * stream into PostgreSQL with the Merkle tree maintained, and the lag from call to durable record —
 * the production path end to end, with everything on: events appended to `{prefix}:gw:audit`
 * (field `v`, the JSON the gateway's finish script appends, with the charge fields), taken in by the
 * worker processes, derived (MinHash, bands, flags, hashes, `eventSha256` for receipts), written with
 * the leaf CHECK, texts kept in the partitioned audit_text (the bench organisation has a retention
 * policy, so every call's texts are stored: the worst case).
 *   capacity: the workers start and go idle; a backlog of AUDIT_BENCH_BACKLOG events (encoded
 *             beforehand) is appended as fast as Redis takes it, timed from the first append to
 *             the last record committed.
 *   latency:  calls appended at a fixed AUDIT_BENCH_RATE for AUDIT_BENCH_SECONDS (open loop);
 *             lag = recorded_at - occurred_at (occurredAt is set when the event is appended).
 * The worker runs as its own processes, as in production: AUDIT_BENCH_WORKERS of them (default 2;
 * the writer's tree lock orders their batches); database and queue prefix are scratch ones.
 *   AUDIT_BENCH_HISTORY=n  first a history of n premium-call records (synthetic-history.ts: real
 *             rows and tree, made from a few derived calls; ~30 days of occurred_at), timed, so
 *             both measures run on top of a log of that size.
 *   AUDIT_BENCH_HISTORY_BANDS=distinct  each history row its own random completion band keys
 *             rather than its template's: the band index (audit_completion_bands) as big as in a log of
 *             that many different completions (by default it holds a few templates' keys).
 *   AUDIT_BENCH_HISTORY_DAYS=d  the history's calls spread over the last d days (default 30;
 *             fractions allowed): e.g. 0.02 puts a whole history in today's partition of the
 *             band index (audit_completion_bands, by day), the writer's index as at the end of a
 *             day with that many calls.
 *   AUDIT_BENCH_HISTORY_KEEP=1  the history is made once into a database kept for later runs
 *             (velvet_bench_history_<n>_<bands>_<days>) and each run works on a copy of it: a 10 M
 *             history takes ~40 minutes to make here, a copy a few. The kept history ages (its
 *             calls were spread over the days before it was made) and is migrated on each copy;
 *             drop it with dropdb when done.
 *   AUDIT_BENCH_AFTER_SWEEP=1  (diagnosis) after the latency measure, waits for the workers' row
 *             sweep (it starts with them, then runs on its schedule) to finish and drains a second
 *             backlog (`afterSweep`): the writer without the sweep beside it. Each drain says
 *             whether a sweep chunk was seen running while it drained (`sweepDuringDrain`).
 *             The scheduled pass is paced over half its interval (30 minutes by default), so
 *             the wait usually ends at its 10-minute cap; to measure without the sweep, run with
 *             AUDIT_ROW_SWEEP_INTERVAL_MS=604800000 instead (a pass spread over 3.5 days).
 *   AUDIT_BENCH_TRACING=1  the workers trace (OTLP/HTTP to a receiver in this process that counts
 *             what it gets) and every event carries a sampled traceparent (field `t`), as from a
 *             gateway tracing every call: the workers' cost of tracing, against a run without.
 *   AUDIT_BENCH_VERIFY=1  at the end, the tree recomputed from every leaf and compared with the
 *             stored nodes, the tree state and every signed head (for small runs: it reads the log).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { AUDIT_LEAF_FUNCTION, encodePremiumCallEvent } from '@velvet/audit';
import { gatewayAuditStream, QueueName, redisOptions } from '@velvet/queue';
import { type ConnectionOptions, Queue } from 'bullmq';
import { Client } from 'pg';
import {
  PG_SERVER,
  percentile,
  REDIS_URL,
  scratch,
  sleep,
  startWorker,
  stopProcess,
  syntheticCall,
} from './audit/audit-harness';
import { pgIo, pgIoPerRecord } from './audit/pg-io';
import { checkTree, synthesizeHistory } from './audit/synthetic-history';
import { startOtlpSink } from './bench/otlp-sink';
import { cpuSeconds } from './bench/processes';
import IORedis from 'ioredis';

const RATE = Number(process.env.AUDIT_BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.AUDIT_BENCH_SECONDS ?? 15);
const BACKLOG = Number(process.env.AUDIT_BENCH_BACKLOG ?? 50_000);
const WORKERS = Number(process.env.AUDIT_BENCH_WORKERS ?? 2);
const CHUNK = 500;
const HISTORY = Number(process.env.AUDIT_BENCH_HISTORY ?? 0);
const DISTINCT_BANDS = process.env.AUDIT_BENCH_HISTORY_BANDS === 'distinct';
const HISTORY_DAYS = Number(process.env.AUDIT_BENCH_HISTORY_DAYS ?? 30);
const VERIFY = process.env.AUDIT_BENCH_VERIFY === '1';
const TRACING = process.env.AUDIT_BENCH_TRACING === '1';
const AFTER_SWEEP = process.env.AUDIT_BENCH_AFTER_SWEEP === '1';
const KEEP_HISTORY = HISTORY > 0 && process.env.AUDIT_BENCH_HISTORY_KEEP === '1';
/** The fields of a stream entry: the event, and with AUDIT_BENCH_TRACING a call's trace context. */
const fieldsOf = (event: string): string[] =>
  TRACING
    ? [
        'v',
        event,
        't',
        `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      ]
    : ['v', event];

type Db = { query: (q: string, p?: unknown[]) => Promise<{ rows: Array<Record<string, string>> }> };
// The tree size counts the committed records; count(*) would scan the growing log 20 times a second.
const count = async (db: Db) =>
  Number((await db.query('SELECT size FROM audit_tree_state')).rows[0].size);

async function waitFor(
  done: () => Promise<boolean>,
  what: string,
  timeoutMs = 600_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`no ${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

const until = (db: Db, n: number) => waitFor(async () => (await count(db)) >= n, `${n} records`);

/** Whether the workers' row sweep (AuditRowSweep: every row re-checked against its leaf) is running a chunk now. */
const sweeping = async (db: Db, dbName: string) =>
  (
    await db.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE $2`,
      [dbName, `%NOT ${AUDIT_LEAF_FUNCTION}(%`],
    )
  ).rows.length > 0;

/** Waits (up to 10 minutes) until no sweep chunk has been seen for 3 s; the seconds waited. */
async function sweepDone(db: Db, dbName: string): Promise<number> {
  const t0 = Date.now();
  let last = Date.now();
  while (Date.now() - last < 3000 && Date.now() - t0 < 600_000) {
    if (await sweeping(db, dbName)) last = Date.now();
    await sleep(200);
  }
  return Math.round((Date.now() - t0) / 1000);
}

/**
 * CPU seconds of the workers and of the PostgreSQL backends serving the scratch database (from
 * /proc, so other load on the machine does not inflate them), and the whole Redis server's (shared:
 * an upper bound). Per record it says where the time goes however noisy the machine is.
 */
async function cpuNow(
  db: Db,
  dbName: string,
  workerPids: number[],
): Promise<{ workers: number; postgres: number; autovacuum: number; redis: number }> {
  const backends = (
    await db.query(
      `SELECT pid, backend_type FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [dbName],
    )
  ).rows;
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + (safeCpu(pid) ?? 0), 0);
  const of = (vacuum: boolean) =>
    backends
      .filter((b) => (b.backend_type === 'autovacuum worker') === vacuum)
      .map((b) => Number(b.pid));
  return {
    workers: sum(workerPids),
    postgres: sum(of(false)),
    // (a worker that started or ended within the window counts only in part: indicative)
    autovacuum: sum(of(true)),
    redis: await redisCpu(),
  };
}

/** Waits (up to 5 minutes) for autovacuum to finish with the scratch database after a bulk load; the seconds waited. */
async function autovacuumDone(db: Db, dbName: string): Promise<number> {
  const t0 = Date.now();
  const busy = async () =>
    (
      await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'autovacuum worker'`,
        [dbName],
      )
    ).rows.length > 0;
  await sleep(5000); // (the launcher looks at a database about once a minute: give it a chance)
  while ((await busy()) && Date.now() - t0 < 300_000) await sleep(1000);
  return Math.round((Date.now() - t0) / 1000);
}
const safeCpu = (pid: number) => {
  const s = cpuSeconds(pid);
  return Number.isNaN(s) ? null : s;
};
async function redisCpu(): Promise<number> {
  const r = new IORedis(REDIS_URL, { lazyConnect: true });
  await r.connect();
  const text = await r.info('cpu');
  await r.quit();
  const v = (k: string) => Number(new RegExp(`(?:^|\\n)${k}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return v('used_cpu_sys') + v('used_cpu_user');
}

/** The event as the gateway's finish appends it: with the usage record's charge (verifiable billing). */
const eventJson = (org: string, key: string, i: number): string =>
  encodePremiumCallEvent({
    ...syntheticCall(org, key, i),
    costMicros: String(1_000 + (i % 997)),
    currency: 'USD',
  });

/** Worker processes up: each runs the audit queue's BullMQ worker and reads the gateway stream's group. */
async function workersUp(queue: Queue, redis: IORedis, stream: string): Promise<number> {
  try {
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[];
    return groups.length ? await queue.getWorkersCount() : 0;
  } catch {
    return 0;
  }
}

/** The kept history database (made now unless it exists): its name, and how it was made or that it was reused. */
async function keptHistory(): Promise<{ template: string; history: Record<string, unknown> }> {
  const template = `velvet_bench_history_${HISTORY}_${DISTINCT_BANDS ? 'distinct' : 'templates'}_${String(HISTORY_DAYS).replace('.', 'p')}`;
  const admin = new Client({ connectionString: `${PG_SERVER}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      template,
    ]);
    if (rowCount) return { template, history: { records: HISTORY, reused: template } };
    const h = await scratch('bench_history');
    const dbName = new URL(h.url).pathname.slice(1);
    const history = {
      ...(await timedHistory(h.db, HISTORY)),
      autovacuumWaitS: await autovacuumDone(h.db, dbName),
      keptAs: template,
    };
    await h.db.end();
    await admin.query(`ALTER DATABASE "${dbName}" RENAME TO "${template}"`);
    return { template, history };
  } finally {
    await admin.end();
  }
}

async function main() {
  const kept = KEEP_HISTORY ? await keptHistory() : null;
  const s = await scratch('bench_audit', kept?.template);
  const redis = new IORedis(REDIS_URL);
  const control = new Queue(QueueName.Audit, {
    connection: redisOptions(REDIS_URL) as ConnectionOptions,
    prefix: s.prefix,
  });
  const stream = gatewayAuditStream(s.prefix);
  const org = randomUUID();
  const key = randomUUID();
  // every call's texts are kept (partitioned audit_text): the costlier case
  await s.db.query(
    `INSERT INTO audit_retention_policy (organization_id, retention_days) VALUES ($1, 30)`,
    [org],
  );
  let i = 0;
  const workers: Array<ReturnType<typeof startWorker>> = [];
  try {
    const dbName = new URL(s.url).pathname.slice(1);
    const history = kept
      ? kept.history
      : HISTORY
        ? {
            ...(await timedHistory(s.db, HISTORY)),
            autovacuumWaitS: await autovacuumDone(s.db, dbName),
          }
        : null;
    const sink = TRACING ? await startOtlpSink() : null;
    const otel: Record<string, string> = sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint } : {};
    for (let w = 0; w < WORKERS; w++) workers.push(startWorker(s, otel));
    await waitFor(
      async () => (await workersUp(control, redis, stream)) >= WORKERS,
      `${WORKERS} workers`,
      60_000,
    );
    await sleep(2000); // past start-up (schedulers, first tree head)
    const pids = workers.map((w) => w.pid!);
    /** The capacity measure: a backlog appended as fast as Redis takes it, timed to its last record. */
    const drain = async () => {
      const events = Array.from({ length: BACKLOG }, () => eventJson(org, key, i++));
      const cpu0 = await cpuNow(s.db, dbName, pids);
      const io0 = await pgIo(s.db);
      const start = await count(s.db);
      const c0 = Date.now();
      let sweepSeen = await sweeping(s.db, dbName);
      for (let k = 0; k < events.length; k += CHUNK) {
        const p = redis.pipeline();
        for (const e of events.slice(k, k + CHUNK)) p.xadd(stream, '*', ...fieldsOf(e));
        await p.exec();
      }
      const appendedS = (Date.now() - c0) / 1000;
      await waitFor(
        async () => {
          sweepSeen ||= await sweeping(s.db, dbName);
          return (await count(s.db)) >= start + BACKLOG;
        },
        `${start + BACKLOG} records`,
      );
      const recordsPerS = Math.round(BACKLOG / ((Date.now() - c0) / 1000));
      const cpu1 = await cpuNow(s.db, dbName, pids);
      const postgresIo = pgIoPerRecord(io0, await pgIo(s.db), BACKLOG);
      const perRecordUs = (k: keyof typeof cpu0) =>
        Math.round(((cpu1[k] - cpu0[k]) / BACKLOG) * 1e6);
      return {
        backlog: BACKLOG,
        appendedInS: Number(appendedS.toFixed(2)),
        recordsPerS,
        sweepDuringDrain: sweepSeen,
        // during the drain; redis is the whole server's (shared with anything else using it)
        cpuUsPerRecord: {
          workers: perRecordUs('workers'),
          postgres: perRecordUs('postgres'),
          autovacuum: perRecordUs('autovacuum'),
          redisServer: perRecordUs('redis'),
        },
        postgresIo,
      };
    };
    const capacity = await drain();

    // Latency: open loop at RATE.
    const base = await count(s.db);
    const t0 = Date.now();
    const total = RATE * SECONDS;
    let refused = 0;
    let sent = 0;
    const pending = new Set<Promise<unknown>>();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
      if (due > sent) {
        const p = redis.pipeline();
        for (; sent < due; sent++) p.xadd(stream, '*', ...fieldsOf(eventJson(org, key, i++)));
        const n = p.length;
        const done = p.exec().catch(() => void (refused += n));
        pending.add(done);
        void done.finally(() => pending.delete(done));
      }
      await sleep(1);
    }
    await Promise.all(pending);
    const offeredS = (Date.now() - t0) / 1000;
    await until(s.db, base + total - refused);
    const lags = (
      await s.db.query(
        `SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 AS ms FROM audit_log WHERE seq >= $1`,
        [base],
      )
    ).rows
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    // (diagnosis) the same measure once the row sweep that started with the workers is done
    const afterSweep = AFTER_SWEEP
      ? { sweepWaitedS: await sweepDone(s.db, dbName), ...(await drain()) }
      : undefined;
    const [texts] = (await s.db.query('SELECT count(*)::int AS n FROM audit_text')).rows;
    const [state] = (await s.db.query('SELECT size FROM audit_tree_state')).rows;
    console.log(
      JSON.stringify(
        {
          machine: { cpus: cpus().length, loadavg1m: Number(loadavg()[0].toFixed(2)) },
          workers: WORKERS,
          tracing: sink ? { exportedMB: Number((sink.bytes / 1e6).toFixed(1)) } : false,
          history,
          capacity,
          afterSweep,
          latency: {
            targetRatePerS: RATE,
            offeredRatePerS: Math.round(total / offeredS),
            records: total - refused,
            refused,
            lagMs: {
              p50: Math.round(percentile(lags, 50)),
              p99: Math.round(percentile(lags, 99)),
              max: Math.round(lags[lags.length - 1]),
            },
          },
          treeSize: Number(state.size),
          textsKept: Number(texts.n),
        },
        null,
        2,
      ),
    );
    if (VERIFY) {
      await Promise.all(workers.splice(0).map((w) => stopProcess(w)));
      const problems = await checkTree(s.db);
      console.log(
        problems.length
          ? `tree check FAILED: ${problems.slice(0, 10).join('; ')}`
          : `tree check: ${Number(state.size)} leaves, every node, the state and every signed head agree`,
      );
      if (problems.length) process.exitCode = 1;
    }
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w)));
    await control.close();
    redis.disconnect();
    await s.drop();
  }
}

/** The history, and how long it took (CPU of this process and of PostgreSQL's backend for it). */
async function timedHistory(db: Db & Parameters<typeof synthesizeHistory>[0], n: number) {
  const [backend] = (await db.query('SELECT pg_backend_pid() AS pid')).rows;
  const cpu = () => process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  const [c0, p0, t0] = [cpu(), cpuSeconds(Number(backend.pid)), Date.now()];
  let last = t0;
  await synthesizeHistory(db, n, {
    distinctBands: DISTINCT_BANDS,
    days: HISTORY_DAYS,
    progress: (done) => {
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      console.error(`history: ${done} / ${n} records, ${Math.round((last - t0) / 1000)} s`);
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  return {
    records: n,
    bands: DISTINCT_BANDS ? 'distinct per row' : 'templates',
    days: HISTORY_DAYS,
    seconds: Number(seconds.toFixed(1)),
    recordsPerS: Math.round(n / seconds),
    cpuUsPerRecord: {
      synthesis: Math.round(((cpu() - c0) / n) * 1e6),
      postgres: Math.round(((cpuSeconds(Number(backend.pid)) - p0) / n) * 1e6),
    },
  };
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
