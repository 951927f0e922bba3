/**
 * `npm run bench:audit`: how many audit records per second reach PostgreSQL with the Merkle tree
 * maintained, and the lag from call to durable record.
 *   capacity: a backlog of AUDIT_BENCH_BACKLOG jobs is queued on a paused queue with the workers
 *             started and idle; then the queue resumes and we time the drain (workers + Redis +
 *             PostgreSQL, nothing else).
 *   latency:  calls offered at a fixed AUDIT_BENCH_RATE for AUDIT_BENCH_SECONDS (open loop, the
 *             producer in this process); lag = recorded_at - enqueued_at of every record.
 * The worker runs as its own processes, as in production: AUDIT_BENCH_WORKERS of them (default 2;
 * the writer's tree lock orders their batches); database and queue prefix are scratch ones.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { QueueName, redisOptions } from '@velvet/queue';
import { type ConnectionOptions, Queue } from 'bullmq';
import {
  percentile,
  producerFor,
  REDIS_URL,
  scratch,
  sleep,
  startWorker,
  stopProcess,
  syntheticCall,
} from './audit/audit-harness';
import { cpuSeconds } from './bench/processes';
import IORedis from 'ioredis';

const RATE = Number(process.env.AUDIT_BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.AUDIT_BENCH_SECONDS ?? 15);
const BACKLOG = Number(process.env.AUDIT_BENCH_BACKLOG ?? 50_000);
const WORKERS = Number(process.env.AUDIT_BENCH_WORKERS ?? 2);
const IN_FLIGHT = 1000;

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

/**
 * CPU seconds of the workers and of the PostgreSQL backends serving the scratch database (from
 * /proc, so other load on the machine does not inflate them), and the whole Redis server's (shared:
 * an upper bound). Per record it says where the time goes however noisy the machine is.
 */
async function cpuNow(
  db: Db,
  dbName: string,
  workerPids: number[],
): Promise<{ workers: number; postgres: number; redis: number }> {
  const backends = (
    await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [dbName],
    )
  ).rows.map((r) => Number(r.pid));
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + (safeCpu(pid) ?? 0), 0);
  return { workers: sum(workerPids), postgres: sum(backends), redis: await redisCpu() };
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

async function main() {
  const s = await scratch('bench_audit');
  const producer = producerFor(s, 10_000);
  const control = new Queue(QueueName.Audit, {
    connection: redisOptions(REDIS_URL) as ConnectionOptions,
    prefix: s.prefix,
  });
  const org = randomUUID();
  const key = randomUUID();
  let i = 0;
  const workers: Array<ReturnType<typeof startWorker>> = [];
  try {
    // Capacity: the workers start on a paused queue, a backlog is queued, and the drain is timed
    // from the resume, so process start-up (~1 s of CPU each) is not counted as throughput.
    await control.pause();
    for (let w = 0; w < WORKERS; w++) workers.push(startWorker(s));
    const adds: Promise<void>[] = [];
    for (let k = 0; k < BACKLOG; k++) {
      adds.push(producer.recordPremiumCall(syntheticCall(org, key, i++)));
      if (adds.length >= IN_FLIGHT) await Promise.all(adds.splice(0));
    }
    await Promise.all(adds);
    await waitFor(async () => (await control.getWorkersCount()) >= WORKERS, `${WORKERS} workers`);
    const dbName = new URL(s.url).pathname.slice(1);
    const pids = workers.map((w) => w.pid!);
    const cpu0 = await cpuNow(s.db, dbName, pids);
    const c0 = Date.now();
    await control.resume();
    await until(s.db, BACKLOG);
    const capacity = Math.round(BACKLOG / ((Date.now() - c0) / 1000));
    const cpu1 = await cpuNow(s.db, dbName, pids);
    const perRecordUs = (k: keyof typeof cpu0) => Math.round(((cpu1[k] - cpu0[k]) / BACKLOG) * 1e6);

    // Latency: open loop at RATE.
    const base = await count(s.db);
    const t0 = Date.now();
    const total = RATE * SECONDS;
    const pending = new Set<Promise<void>>();
    let refused = 0;
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
      while (sent < due && pending.size < IN_FLIGHT) {
        sent++;
        const p = producer
          .recordPremiumCall(syntheticCall(org, key, i++))
          .catch(() => void refused++);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await sleep(1);
    }
    await Promise.all(pending);
    const offeredS = (Date.now() - t0) / 1000;
    await until(s.db, base + total - refused);
    const lags = (
      await s.db.query(
        `SELECT extract(epoch FROM recorded_at - enqueued_at) * 1000 AS ms FROM audit_log WHERE seq >= $1`,
        [base],
      )
    ).rows
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    const [state] = (await s.db.query('SELECT size FROM audit_tree_state')).rows;
    console.log(
      JSON.stringify(
        {
          machine: { cpus: cpus().length, loadavg1m: Number(loadavg()[0].toFixed(2)) },
          workers: WORKERS,
          capacity: {
            backlog: BACKLOG,
            recordsPerS: capacity,
            // during the drain; redis is the whole server's (shared with anything else using it)
            cpuUsPerRecord: {
              workers: perRecordUs('workers'),
              postgres: perRecordUs('postgres'),
              redisServer: perRecordUs('redis'),
            },
          },
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
        },
        null,
        2,
      ),
    );
  } finally {
    await producer.onApplicationShutdown();
    await control.close();
    await Promise.all(workers.map((w) => stopProcess(w)));
    await s.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
