/**
 * Sequential streamed calls, one at a time: the time from sending each request to the first bytes
 * of its body (the first SSE chunk, which carries text), as a child process pinned to the load
 * generator's core. Input: one JSON argument (StreamProbeSpec). Output: one JSON line.
 */
import { Pool } from 'undici';

export interface StreamProbeSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  count: number;
  warmup: number;
  /** Stops early after this long (an overloaded target beside a background load). */
  maxMs?: number;
}

export interface StreamProbeResult {
  ok: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
}

const spec = JSON.parse(process.argv[2]) as StreamProbeSpec;
const target = new URL(spec.url);
const pool = new Pool(target.origin, { connections: 4, keepAliveTimeout: 60_000 });
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function one(): Promise<number | null> {
  const t0 = nowMs();
  const res = await pool.request({
    path: target.pathname,
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    signal: AbortSignal.timeout(10_000),
  });
  let first: number | null = null;
  for await (const data of res.body) {
    if (first === null && (data as Buffer).length) first = nowMs() - t0;
  }
  return res.statusCode === 200 ? first : null;
}

async function main() {
  const times: number[] = [];
  let errors = 0;
  const deadline = nowMs() + (spec.maxMs ?? Infinity);
  for (let i = 0; i < spec.warmup + spec.count && nowMs() < deadline; i++) {
    const t = await one().catch(() => null);
    if (i < spec.warmup) continue;
    if (t === null) errors++;
    else times.push(t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] : NaN;
  const result: StreamProbeResult = {
    ok: times.length,
    errors,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await pool.close();
  process.exit(0);
}

void main();
