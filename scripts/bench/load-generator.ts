/**
 * Open-loop (fixed rate) or closed-loop (fixed concurrency) HTTP load, as a child process pinned
 * to its own core. Open-loop latency is measured from each request's *scheduled* start, so a
 * server that falls behind shows its queueing instead of hiding it (no coordinated omission).
 * Input: one JSON argument (LoadSpec). Output: one JSON line (LoadResult) on stdout.
 */
import { Pool } from 'undici';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  mode: 'rate' | 'concurrency';
  rate?: number;
  concurrency?: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Wall-clock ms of the measured window (warm-up excluded); the parent samples CPU on the signals. */
  windowMs: number;
}

const spec = JSON.parse(process.argv[2]) as LoadSpec;
const target = new URL(spec.url);
const pool = new Pool(target.origin, {
  connections: spec.mode === 'rate' ? 1024 : spec.concurrency,
  keepAliveTimeout: 60_000,
});
const latencies: number[] = [];
let ok = 0;
let errors = 0;
let measuring = false;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function one(startedAt: number): Promise<void> {
  try {
    const res = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers: spec.headers,
      body: spec.body,
    });
    await res.body.dump();
    if (!measuring) return;
    if (res.statusCode === 200) {
      ok++;
      latencies.push(nowMs() - startedAt);
    } else errors++;
  } catch {
    if (measuring) errors++;
  }
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function main() {
  const t0 = nowMs();
  const measureFrom = t0 + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  // Tell the parent when the measured window opens and closes, so it samples CPU exactly then.
  const mark = (what: string) => process.stderr.write(`${what}\n`);
  setTimeout(() => {
    measuring = true;
    mark('measure-start');
  }, spec.warmupMs);
  const inflight = new Set<Promise<void>>();
  if (spec.mode === 'rate') {
    const interval = 1000 / spec.rate!;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = nowMs();
        if (now >= end) return resolve();
        while (t0 + sent * interval <= now) {
          const p = one(t0 + sent * interval);
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
          sent++;
        }
        setTimeout(tick, 1);
      };
      tick();
    });
  } else {
    const worker = async () => {
      while (nowMs() < end) await one(nowMs());
    };
    await Promise.all(Array.from({ length: spec.concurrency! }, worker));
  }
  measuring = false;
  mark('measure-end');
  // An overloaded target may never catch up: stop waiting after 2 s (its backlog already shows in the figures).
  await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 2000))]);
  latencies.sort((a, b) => a - b);
  const result: LoadResult = {
    ok,
    errors,
    throughput: ok / (spec.durationMs / 1000),
    p50: pct(latencies, 50),
    p90: pct(latencies, 90),
    p99: pct(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    windowMs: spec.durationMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Requests still queued at an overloaded target are abandoned, not awaited.
  await pool.destroy().catch(() => undefined);
  process.exit(0);
}

void main();
