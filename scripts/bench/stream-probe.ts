/**
 * Sequential streamed calls, one at a time: the time from sending each request to the first bytes
 * of its body (the first SSE chunk, which carries text), as a child process pinned to the load
 * generator's core. With several targets, each round sends one stream to each in turn (the order
 * reversed every other round), so the targets share the machine's state and their differences are
 * not those of two moments. Input: one JSON argument (StreamProbeSpec). Output: one JSON line, a
 * StreamProbeResult per target in the spec's order.
 */
import { Pool } from 'undici';

export interface StreamProbeTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface StreamProbeSpec {
  targets: StreamProbeTarget[];
  /** Rounds measured (each one stream per target), after `warmup` rounds. */
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
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function prober(t: StreamProbeTarget): () => Promise<number | null> {
  const target = new URL(t.url);
  const pool = new Pool(target.origin, { connections: 4, keepAliveTimeout: 60_000 });
  pools.push(pool);
  return async () => {
    const t0 = nowMs();
    const res = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers: t.headers,
      body: t.body,
      signal: AbortSignal.timeout(10_000),
    });
    let first: number | null = null;
    for await (const data of res.body) {
      if (first === null && (data as Buffer).length) first = nowMs() - t0;
    }
    return res.statusCode === 200 ? first : null;
  };
}

const pools: Pool[] = [];

function summary(times: number[], errors: number): StreamProbeResult {
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] : NaN;
  return { ok: times.length, errors, p50: pct(50), p90: pct(90), p99: pct(99) };
}

async function main() {
  const probes = spec.targets.map((t) => ({ one: prober(t), times: [] as number[], errors: 0 }));
  const deadline = nowMs() + (spec.maxMs ?? Infinity);
  for (let i = 0; i < spec.warmup + spec.count && nowMs() < deadline; i++) {
    for (const p of i % 2 ? [...probes].reverse() : probes) {
      const t = await p.one().catch(() => null);
      if (i < spec.warmup) continue;
      if (t === null) p.errors++;
      else p.times.push(t);
    }
  }
  const results = probes.map((p) => summary(p.times, p.errors));
  process.stdout.write(`${JSON.stringify(results)}\n`);
  await Promise.all(pools.map((p) => p.close()));
  process.exit(0);
}

void main();
