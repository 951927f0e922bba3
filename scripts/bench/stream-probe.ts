/**
 * Sequential streamed calls, one at a time: the time from sending each request to the first bytes
 * of its body (the first SSE chunk, which carries text), as a child process pinned to the load
 * generator's core. Input: one JSON argument (StreamProbeSpec). Output: one JSON line, the result
 * of each target in the order given.
 *
 * With several targets, each round sends one stream to every target in turn, the order reversed
 * every other round: every target is measured over the same seconds, so a drift of the machine
 * (another process waking, the CPU's clock) falls on all of them alike instead of on whichever
 * target happened to be probed at that moment. The difference of two targets' p50 is then a
 * difference of the targets, not of their moments.
 */
import { Pool } from 'undici';

export interface StreamProbeTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface StreamProbeSpec {
  targets: StreamProbeTarget[];
  /** Measured rounds (one stream per target each). */
  count: number;
  /** Rounds before measuring. */
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

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** One target's connection pool and the times measured on it. */
class Probe {
  private readonly pool: Pool;
  private readonly path: string;
  readonly times: number[] = [];
  errors = 0;

  constructor(private readonly target: StreamProbeTarget) {
    const url = new URL(target.url);
    this.pool = new Pool(url.origin, { connections: 4, keepAliveTimeout: 60_000 });
    this.path = url.pathname;
  }

  /** One stream; its first-chunk time is kept when `measure`. */
  async send(measure: boolean): Promise<void> {
    const t = await this.firstChunk().catch(() => null);
    if (!measure) return;
    if (t === null) this.errors++;
    else this.times.push(t);
  }

  private async firstChunk(): Promise<number | null> {
    const t0 = nowMs();
    const res = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: this.target.headers,
      body: this.target.body,
      signal: AbortSignal.timeout(10_000),
    });
    let first: number | null = null;
    for await (const data of res.body) {
      if (first === null && (data as Buffer).length) first = nowMs() - t0;
    }
    return res.statusCode === 200 ? first : null;
  }

  result(): StreamProbeResult {
    const times = [...this.times].sort((a, b) => a - b);
    const pct = (p: number) =>
      times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] : NaN;
    return { ok: times.length, errors: this.errors, p50: pct(50), p90: pct(90), p99: pct(99) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function main() {
  const spec = JSON.parse(process.argv[2]) as StreamProbeSpec;
  const probes = spec.targets.map((t) => new Probe(t));
  const deadline = nowMs() + (spec.maxMs ?? Infinity);
  for (let round = 0; round < spec.warmup + spec.count && nowMs() < deadline; round++) {
    const order = round % 2 ? [...probes].reverse() : probes;
    for (const probe of order) await probe.send(round >= spec.warmup);
  }
  process.stdout.write(`${JSON.stringify(probes.map((p) => p.result()))}\n`);
  await Promise.all(probes.map((p) => p.close()));
  process.exit(0);
}

void main();
