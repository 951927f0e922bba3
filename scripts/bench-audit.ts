/**
 * `npm run bench:audit`: how many audit records per second reach PostgreSQL with the Merkle tree
 * maintained, and the lag from call to durable record.
 *   capacity: a backlog of AUDIT_BENCH_BACKLOG jobs is queued with the worker stopped; then the
 *             worker starts and we time the drain (worker + Redis + PostgreSQL, nothing else).
 *   latency:  calls offered at a fixed AUDIT_BENCH_RATE for AUDIT_BENCH_SECONDS (open loop, the
 *             producer in this process); lag = recorded_at - enqueued_at of every record.
 * The worker runs as its own process, as in production; database and queue prefix are scratch ones.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { percentile, producerFor, scratch, sleep, startWorker, stopProcess, syntheticCall } from './audit/audit-harness';

const RATE = Number(process.env.AUDIT_BENCH_RATE ?? 2000);
const SECONDS = Number(process.env.AUDIT_BENCH_SECONDS ?? 15);
const BACKLOG = Number(process.env.AUDIT_BENCH_BACKLOG ?? 50_000);
const IN_FLIGHT = 1000;

type Db = { query: (q: string, p?: unknown[]) => Promise<{ rows: Array<Record<string, string>> }> };
const count = async (db: Db) => Number((await db.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);

async function until(db: Db, n: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await count(db)) < n) {
    if (Date.now() > deadline) throw new Error(`only ${await count(db)} of ${n} records after ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function main() {
  const s = await scratch('bench_audit');
  const producer = producerFor(s, 10_000);
  const org = randomUUID();
  const key = randomUUID();
  let i = 0;
  let worker = null as ReturnType<typeof startWorker> | null;
  try {
    // Capacity: queue a backlog first, then let the worker drain it.
    const adds: Promise<void>[] = [];
    for (let k = 0; k < BACKLOG; k++) {
      adds.push(producer.recordPremiumCall(syntheticCall(org, key, i++)));
      if (adds.length >= IN_FLIGHT) await Promise.all(adds.splice(0));
    }
    await Promise.all(adds);
    worker = startWorker(s);
    await until(s.db, 1);
    const c0 = Date.now();
    const n0 = await count(s.db);
    await until(s.db, BACKLOG);
    const capacity = Math.round((BACKLOG - n0) / ((Date.now() - c0) / 1000));

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
        const p = producer.recordPremiumCall(syntheticCall(org, key, i++)).catch(() => void refused++);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await sleep(1);
    }
    await Promise.all(pending);
    const offeredS = (Date.now() - t0) / 1000;
    await until(s.db, base + total - refused);
    const lags = (await s.db.query(`SELECT extract(epoch FROM recorded_at - enqueued_at) * 1000 AS ms FROM audit_log WHERE seq >= $1`, [base])).rows
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    const [state] = (await s.db.query('SELECT size FROM audit_tree_state')).rows;
    console.log(
      JSON.stringify(
        {
          machine: { cpus: cpus().length, loadavg1m: Number(loadavg()[0].toFixed(2)) },
          capacity: { backlog: BACKLOG, recordsPerS: capacity },
          latency: {
            targetRatePerS: RATE,
            offeredRatePerS: Math.round(total / offeredS),
            records: total - refused,
            refused,
            lagMs: { p50: Math.round(percentile(lags, 50)), p99: Math.round(percentile(lags, 99)), max: Math.round(lags[lags.length - 1]) },
          },
          treeSize: Number(state.size),
        },
        null,
        2,
      ),
    );
  } finally {
    await producer.onApplicationShutdown();
    if (worker) await stopProcess(worker);
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
