/**
 * `npm run bench:audit`: sustained audit records per second into PostgreSQL with the Merkle tree
 * maintained, and the lag from call to durable record. Phase 1 offers calls at a fixed rate
 * (open loop) and measures lag; phase 2 floods a backlog and measures the drain rate. The worker
 * runs as its own process, as in production; database and queue prefix are scratch ones.
 */
import { randomUUID } from 'node:crypto';
import { percentile, producerFor, scratch, sleep, startWorker, stopProcess, syntheticCall } from './audit/audit-harness';

const RATE = Number(process.env.AUDIT_BENCH_RATE ?? 5000);
const SECONDS = Number(process.env.AUDIT_BENCH_SECONDS ?? 20);
const FLOOD = Number(process.env.AUDIT_BENCH_FLOOD ?? 60_000);
const IN_FLIGHT = 2000;

async function count(db: { query: (q: string) => Promise<{ rows: Array<{ n: string }> }> }): Promise<number> {
  return Number((await db.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
}

async function main() {
  const s = await scratch('bench_audit');
  const worker = startWorker(s);
  const producer = producerFor(s, 10_000);
  const org = randomUUID();
  const key = randomUUID();
  let i = 0;
  try {
    await sleep(3000); // worker boot
    // Phase 1: open loop at RATE for SECONDS.
    const t0 = Date.now();
    const total = RATE * SECONDS;
    const pending = new Set<Promise<void>>();
    let refused = 0;
    while (i < total) {
      const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
      while (i < Math.min(due, total) && pending.size < IN_FLIGHT) {
        const p = producer.recordPremiumCall(syntheticCall(org, key, i++)).catch(() => void refused++);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await sleep(1);
    }
    await Promise.all(pending);
    const offeredS = (Date.now() - t0) / 1000;
    while ((await count(s.db)) < total - refused) await sleep(100);
    const drainedS = (Date.now() - t0) / 1000;
    const lags = (
      await s.db.query(`SELECT extract(epoch FROM recorded_at - enqueued_at) * 1000 AS ms FROM audit_log`)
    ).rows.map((r: { ms: string }) => Number(r.ms)).sort((a: number, b: number) => a - b);

    // Phase 2: a backlog, drained as fast as the worker can.
    const base = await count(s.db);
    const floodStart = Date.now();
    const adds: Promise<void>[] = [];
    for (let k = 0; k < FLOOD; k++) {
      adds.push(producer.recordPremiumCall(syntheticCall(org, key, i++)));
      if (adds.length >= IN_FLIGHT) await Promise.all(adds.splice(0));
    }
    await Promise.all(adds);
    const f0 = Date.now();
    const startCount = await count(s.db);
    while ((await count(s.db)) < base + FLOOD) await sleep(100);
    const floodS = (Date.now() - f0) / 1000;
    const [state] = (await s.db.query('SELECT size FROM audit_tree_state')).rows;

    const result = {
      phase1: {
        offeredRatePerS: Math.round(total / offeredS),
        records: total - refused,
        refused,
        sustainedRatePerS: Math.round((total - refused) / drainedS),
        lagMs: { p50: Math.round(percentile(lags, 50)), p99: Math.round(percentile(lags, 99)), max: Math.round(lags[lags.length - 1]) },
      },
      phase2: {
        backlog: FLOOD,
        enqueueS: Number(((f0 - floodStart) / 1000).toFixed(1)),
        writtenDuringEnqueue: startCount - base,
        drainRatePerS: Math.round((base + FLOOD - startCount) / floodS),
        overallRatePerS: Math.round(FLOOD / ((Date.now() - floodStart) / 1000)),
      },
      treeSize: Number(state.size),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await producer.onApplicationShutdown();
    await stopProcess(worker);
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
