/**
 * `npm run bench:gateway:cpu`: CPU per call of the gateway, A/B against another build, on a busy
 * machine. Throughput and latency mean nothing while other processes share the cores, but the CPU
 * time a process spends on a fixed number of calls does (it only counts the time the process ran).
 * Each target serves the same fixed number of calls at a small fixed concurrency, targets
 * alternated within each rep (their order rotated), and the CPU of the target and of Redis is read
 * from /proc before and after. Streams: sequential streamed calls, CPU per stream and time to the
 * first chunk (only indicative under load). See docs/performance.md.
 *
 * BENCH_BASE_MAIN=/path/to/other/dist/apps/gateway/src/main.js  the "before" build (optional)
 * BENCH_CALLS=2000 BENCH_STREAM_CALLS=300 BENCH_CONCURRENCY=4 BENCH_REPS=3
 * BENCH_CPU_PROF_DIR=/tmp/x  profile the "after" gateway (--cpu-prof, written when it exits); the
 *   measured windows (CLOCK_MONOTONIC µs, the profile's clock) go to windows.json beside it
 * BENCH_AFTER_NODE_FLAGS="--max-semi-space-size=32"  Node flags for the "after" gateway only (with
 *   BENCH_BASE_MAIN set to this build's main.js: the flags' cost or saving, paired)
 * BENCH_AFTER_ENV="LOG_LEVEL=warn GATEWAY_STREAM_BATCH_MS=0"  environment for the "after" gateway
 *   only (the same way: what a setting costs, e.g. the per-request log line)
 * BENCH_PAIRED=1  plain calls to both builds at the same time (Redis µs split evenly between them)
 * BENCH_TARGETS=calibration,gw-after  BENCH_KINDS=plain-premium,stream-standard  (subsets)
 * BENCH_KINDS=idle BENCH_IDLE_SECONDS=10  each target's CPU per second with nothing sent (µs per s)
 * Targets: direct, calibration (node:http proxy), floor-http / floor / floor-redis (the stack's
 *   floor, scripts/bench/stack-floor-proxy.ts: node:http or Fastify with undici and JSON, then also
 *   one ioredis script per call, which a stream runs before its first byte and before its end;
 *   premium-model calls only), gw-before, gw-after
 * BENCH_TRACING=1  tracing's cost: "before" is this build with tracing off, "after" this build
 *   with tracing on, exporting (OTLP/HTTP, the SDK's defaults) to a receiver in this process that
 *   accepts and counts what it gets (BENCH_BASE_MAIN is then ignored); BENCH_OTEL_<NAME>=value
 *   passes OTEL_<NAME> to the traced gateway, e.g. BENCH_OTEL_TRACES_SAMPLER=parentbased_traceidratio
 *   BENCH_OTEL_TRACES_SAMPLER_ARG=0.01
 */
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Pool } from 'undici';
import { deleteKeysWithPrefix, gatewayAuditStream, gatewayUsageStream } from '@velvet/queue';
import { tempReceiptKeyFile } from './audit/receipt-key-file';
import { cpuByPhase } from './bench/cpu-profile';
import { startOtlpSink } from './bench/otlp-sink';
import { startPrivateRedis } from './bench/private-redis';
import {
  cpuSeconds,
  freePort,
  pidOf,
  startPinned,
  startUpstreamAndCalibration,
  stop,
} from './bench/processes';
import { seedBench } from './bench/seed-bench';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const STREAM_CALLS = Number(process.env.BENCH_STREAM_CALLS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const BASE_MAIN = process.env.BENCH_BASE_MAIN;
const PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
const PG_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const TARGETS = process.env.BENCH_TARGETS?.split(',');
const KINDS = (
  process.env.BENCH_KINDS ?? 'plain-premium,plain-standard,stream-premium,stream-standard'
)
  .split(',')
  .map((k) => k.replace('-', ' '));
/** Both builds served at once, each rep (plain calls only): the fairest A/B on a busy machine. */
const PAIRED = process.env.BENCH_PAIRED === '1';
const NEW_MAIN = join(__dirname, '..', 'apps', 'gateway', 'src', 'main.js');
const TRACING = process.env.BENCH_TRACING === '1';

interface Target {
  name: string;
  pid: number;
  origin: string;
  headers: Record<string, string>;
  /** The model for a call of this kind, or null where the target has no such call. */
  model: (kind: 'premium' | 'standard') => string | null;
}

interface Sample {
  target: string;
  kind: string;
  calls: number;
  errors: number;
  cpuUs: number;
  redisUs: number;
  /** Streams only: each stream's timings. */
  streams?: StreamTimes[];
}

/** One stream, from its request (ms): first body bytes, last byte, its bytes' mean arrival. */
interface StreamTimes {
  firstChunk: number;
  lastByte: number;
  meanByte: number;
}

const body = (model: string, stream: boolean) =>
  JSON.stringify({
    model,
    messages: [
      {
        role: 'user',
        content: 'Summarise in one sentence why a velvet rope makes access feel earned.',
      },
    ],
    max_tokens: 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

/**
 * `count` plain calls to each target, `concurrency` at a time per target, all targets at once (so a
 * pair of builds shares the same machine state, whatever the other processes do meanwhile); the CPU
 * of `pids` over exactly that window.
 */
async function plainCalls(
  ts: Target[],
  model: (t: Target) => string,
  count: number,
  pids: number[],
) {
  let errors = 0;
  const clients = ts.map((t) => {
    const pool = new Pool(t.origin, { connections: CONCURRENCY, keepAliveTimeout: 60_000 });
    const payload = body(model(t), false);
    const one = async () => {
      const res = await pool.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: t.headers,
        body: payload,
      });
      await res.body.dump();
      if (res.statusCode !== 200) errors++;
    };
    return { pool, one };
  });
  // (one call per connection first, so connection set-up is not in the figure)
  await Promise.all(clients.flatMap((c) => Array.from({ length: CONCURRENCY }, c.one)));
  errors = 0;
  const before = pids.map(cpuSeconds);
  await Promise.all(
    clients.flatMap((c) => {
      let next = 0;
      return Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < count) await c.one().catch(() => errors++);
      });
    }),
  );
  const after = pids.map(cpuSeconds);
  await Promise.all(clients.map((c) => c.pool.close()));
  return { errors, cpu: after.map((a, i) => a - before[i]) };
}

/** `count` streamed calls one after another: CPU over them, and each one's time to its first body bytes. */
async function streamedCalls(t: Target, model: string, count: number, pids: number[]) {
  const pool = new Pool(t.origin, { connections: 1, keepAliveTimeout: 60_000 });
  const payload = body(model, true);
  const streams: StreamTimes[] = [];
  let errors = 0;
  const one = async (): Promise<StreamTimes | null> => {
    const t0 = performance.now();
    const res = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: t.headers,
      body: payload,
    });
    let first: number | null = null;
    // The stream's bytes' mean arrival time: what batching chunks (GATEWAY_STREAM_BATCH_MS) delays.
    let bytes = 0;
    let byteMs = 0;
    for await (const data of res.body) {
      const at = performance.now() - t0;
      if (first === null && (data as Buffer).length) first = at;
      bytes += (data as Buffer).length;
      byteMs += (data as Buffer).length * at;
    }
    return res.statusCode === 200 && first !== null
      ? { firstChunk: first, lastByte: performance.now() - t0, meanByte: byteMs / bytes }
      : null;
  };
  for (let i = 0; i < 10; i++) await one();
  const before = pids.map(cpuSeconds);
  for (let i = 0; i < count; i++) {
    const times = await one().catch(() => null);
    if (times === null) errors++;
    else streams.push(times);
  }
  const after = pids.map(cpuSeconds);
  await pool.close();
  return { errors, cpu: after.map((a, i) => a - before[i]), streams };
}

/**
 * A target left alone for BENCH_IDLE_SECONDS: its CPU per second (and Redis's meanwhile), reported
 * in the µs-per-call columns with one "call" per second. What a process spends whatever its load
 * (the gateway's reloads, heartbeats, reaper): between sequential streams it is a large share of
 * the CPU measured per stream.
 */
async function idle(t: Target, pids: number[]): Promise<Sample> {
  const before = pids.map(cpuSeconds);
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const cpu = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
  const perSecond = (s: number) => (s * 1e6) / IDLE_SECONDS;
  return {
    target: t.name,
    kind: 'idle',
    calls: IDLE_SECONDS,
    errors: 0,
    cpuUs: perSecond(cpu[0]),
    redisUs: perSecond(cpu[1]),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

async function main() {
  const children: ChildProcess[] = [];
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const redisServer = await startPrivateRedis();
  const redis = new IORedis(redisServer.url);
  const upPort = await freePort();
  const seed = await seedBench(PG_SERVER, upPort);
  const prefixes: string[] = [];
  const windows: Window[] = [];
  try {
    const { upstream, calibration, calPort } = await startUpstreamAndCalibration(upPort);
    children.push(upstream, calibration);
    const keyFile = tempReceiptKeyFile();
    const sink = TRACING ? await startOtlpSink() : null;
    const gateway = async (main: string, nodeArgs: string[], extraEnv = {}) => {
      const port = await freePort();
      const prefix = `bench-${Date.now().toString(36)}-${prefixes.length}`;
      prefixes.push(prefix);
      const child = await startPinned('gateway', ['--single-threaded-gc', ...nodeArgs, main], {
        readyPort: port,
        logFile: openSync(join('/tmp', `${prefix}-gateway.log`), 'w'),
        env: {
          NODE_ENV: 'production',
          DATABASE_URL: seed.databaseUrl,
          REDIS_URL: redisServer.url,
          QUEUE_PREFIX: prefix,
          LOG_LEVEL: 'info',
          AUDIT_RECEIPT_KEY_FILE: keyFile,
          GATEWAY_PORT: String(port),
          GATEWAY_ORG_RPM: '100000000',
          GATEWAY_KEY_RPM: '100000000',
          GATEWAY_ORG_TPM: '100000000000',
          ...extraEnv,
        },
      });
      children.push(child);
      return { port, prefix, pid: pidOf(child), child };
    };
    const after = await gateway(
      NEW_MAIN,
      [
        ...(PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : []),
        ...(process.env.BENCH_AFTER_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      ],
      {
        ...afterEnv(),
        ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, ...otelOverrides() } : {}),
      },
    );
    const baseMain = TRACING ? NEW_MAIN : BASE_MAIN;
    const before = baseMain ? await gateway(baseMain, []) : null;
    const json = { 'content-type': 'application/json' };
    const gwHeaders = { ...json, authorization: `Bearer ${seed.key}` };
    const gwModel = (kind: 'premium' | 'standard') =>
      kind === 'premium' ? seed.model : seed.standardModel;
    const [upPid, calPid] = children.map(pidOf);
    // The stack's floor (scripts/bench/stack-floor-proxy.ts): node:http or Fastify, without or with
    // its one Redis script.
    const floor = async (name: string, withRedis: boolean, server = 'fastify'): Promise<Target> => {
      const port = await freePort();
      const floorPrefix = `bench-${Date.now().toString(36)}-${name}`;
      if (withRedis) prefixes.push(floorPrefix);
      const child = await startPinned(
        name,
        [
          join(__dirname, 'bench', 'stack-floor-proxy.js'),
          String(port),
          String(upPort),
          ...(withRedis ? [redisServer.url, floorPrefix] : []),
        ],
        { env: { FLOOR_SERVER: server } },
      );
      children.push(child);
      return {
        name,
        pid: pidOf(child),
        origin: `http://127.0.0.1:${port}`,
        headers: { ...json, authorization: 'Bearer bench-floor-key' },
        model: (k) => (k === 'premium' ? 'bench-upstream' : null),
      };
    };
    const wanted = (name: string) => !TARGETS || TARGETS.includes(name);
    const floors = [
      ...(wanted('floor-http') ? [await floor('floor-http', false, 'node')] : []),
      ...(wanted('floor') ? [await floor('floor', false)] : []),
      ...(wanted('floor-redis') ? [await floor('floor-redis', true)] : []),
    ];
    const all: Target[] = [
      {
        name: 'direct',
        pid: upPid,
        origin: `http://127.0.0.1:${upPort}`,
        headers: json,
        model: (k) => (k === 'premium' ? 'bench-upstream' : null),
      },
      {
        name: 'calibration',
        pid: calPid,
        origin: `http://127.0.0.1:${calPort}`,
        headers: json,
        model: (k) => (k === 'premium' ? 'bench-upstream' : null),
      },
      ...floors,
      ...(before
        ? [
            {
              name: 'gw-before',
              pid: before.pid,
              origin: `http://127.0.0.1:${before.port}`,
              headers: gwHeaders,
              model: gwModel,
            },
          ]
        : []),
      {
        name: 'gw-after',
        pid: after.pid,
        origin: `http://127.0.0.1:${after.port}`,
        headers: gwHeaders,
        model: gwModel,
      },
    ];
    const targets = TARGETS ? all.filter((t) => TARGETS.includes(t.name)) : all;
    // No worker runs here: the gateways' audit and usage streams are dropped between runs.
    const dropStreams = () =>
      Promise.all(prefixes.map((p) => redis.del(gatewayAuditStream(p), gatewayUsageStream(p))));
    // Warm-up: JIT tiers and heap sizes settle in a process's first thousands of calls.
    for (const t of targets)
      for (const kind of ['premium', 'standard'] as const) {
        const model = t.model(kind);
        if (model) await plainCalls([t], () => model, CALLS, []);
      }
    await dropStreams();
    console.log(
      `bench:gateway:cpu — ${CALLS} plain calls at concurrency ${CONCURRENCY}, ${STREAM_CALLS} sequential streams, ${REPS} reps; load average ${loadAverage()}`,
    );
    if (sink) {
      console.log(
        'gw-before: tracing off; gw-after: tracing on, exporting to a local OTLP receiver',
      );
      sink.reset();
    }
    const samples: Sample[] = [];
    const redisPid = redisServer.pid;
    const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
    const run = async (t: Target, kind: string): Promise<void> => {
      if (kind === 'idle') return void samples.push(await idle(t, [t.pid, redisPid]));
      const [shape, tier] = kind.split(' ') as ['plain' | 'stream', 'premium' | 'standard'];
      const model = t.model(tier);
      if (!model) return;
      const calls = shape === 'plain' ? CALLS : STREAM_CALLS;
      if (!calls) return;
      const fromUs = monotonicUs();
      const r =
        shape === 'plain'
          ? {
              ...(await plainCalls([t], () => model, calls, [t.pid, redisPid])),
              streams: undefined,
            }
          : await streamedCalls(t, model, calls, [t.pid, redisPid]);
      if (t.name === 'gw-after') windows.push({ kind, fromUs, toUs: monotonicUs(), calls });
      samples.push({
        target: t.name,
        kind,
        calls,
        errors: r.errors,
        cpuUs: (r.cpu[0] * 1e6) / calls,
        redisUs: (r.cpu[1] * 1e6) / calls,
        streams: r.streams,
      });
    };
    const pair = targets.filter((t) => t.name === 'gw-before' || t.name === 'gw-after');
    for (let rep = 0; PAIRED && pair.length === 2 && rep < REPS; rep++) {
      for (const kind of KINDS.filter((k) => k.startsWith('plain'))) {
        const tier = kind.split(' ')[1] as 'premium' | 'standard';
        const r = await plainCalls(pair, (t) => t.model(tier)!, CALLS, [
          ...pair.map((t) => t.pid),
          redisPid,
        ]);
        pair.forEach((t, i) =>
          samples.push({
            target: t.name,
            kind,
            calls: CALLS,
            errors: r.errors,
            cpuUs: (r.cpu[i] * 1e6) / CALLS,
            redisUs: (r.cpu[2] * 1e6) / CALLS / 2,
          }),
        );
        await dropStreams();
      }
      console.log(`paired rep ${rep + 1} done, load average ${loadAverage()}`);
    }
    for (let rep = 0; !PAIRED && rep < REPS; rep++) {
      const order = [
        ...targets.slice(rep % targets.length),
        ...targets.slice(0, rep % targets.length),
      ];
      for (const t of order) {
        for (const kind of KINDS) await run(t, kind);
        await dropStreams();
      }
      console.log(`rep ${rep + 1} done, load average ${loadAverage()}`);
    }
    if (PROF_DIR) {
      // the gateway writes its profile there only when it exits
      mkdirSync(PROF_DIR, { recursive: true });
      writeFileSync(join(PROF_DIR, 'windows.json'), JSON.stringify(windows));
    }
    print(samples, targets);
    if (sink) {
      const calls = samples.filter((x) => x.target === 'gw-after').reduce((a, x) => a + x.calls, 0);
      await new Promise((r) => setTimeout(r, 6000)); // the exporter's last batch (5 s schedule)
      console.log(
        `OTLP export from gw-after: ${sink.requests} requests, ${(sink.bytes / 1e6).toFixed(1)} MB, ${(sink.bytes / calls).toFixed(0)} bytes per measured call`,
      );
      await sink.close();
    }
  } finally {
    for (const c of children.reverse()) await stop(c, 60_000);
    await seed.drop().catch(() => undefined);
    for (const p of prefixes) await deleteKeysWithPrefix(redisServer.url, p);
    await redis.quit();
    await redisServer.stop();
  }
  if (PROF_DIR) printPhases(PROF_DIR, windows);
}

interface Window {
  kind: string;
  fromUs: number;
  toUs: number;
  calls: number;
}

/** The profiled gateway's CPU by phase (scripts/bench/cpu-profile.ts) in each kind's measured windows, µs per call. */
function printPhases(dir: string, windows: Window[]): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log(`no .cpuprofile in ${dir}`);
  const { startTime } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { startTime: number };
  for (const kind of KINDS) {
    const ws = windows.filter((w) => w.kind === kind);
    const calls = ws.reduce((a, w) => a + w.calls, 0);
    if (!calls) continue;
    const total: Record<string, number> = {};
    for (const w of ws)
      for (const [phase, us] of Object.entries(
        cpuByPhase(dir, (w.fromUs - startTime) / 1000, (w.toUs - startTime) / 1000, w.calls),
      ))
        total[phase] = (total[phase] ?? 0) + (us * w.calls) / calls;
    console.log(
      `\ngw-after, ${kind}: CPU by phase (µs per call, --cpu-prof self time, builtins with their caller)`,
    );
    for (const [phase, us] of Object.entries(total).sort((a, b) => b[1] - a[1]))
      console.log(`  ${phase.padEnd(44)} ${us.toFixed(1).padStart(7)}`);
  }
}

/** BENCH_AFTER_ENV="NAME=value NAME=value", for the "after" gateway. */
const afterEnv = (): Record<string, string> =>
  Object.fromEntries(
    (process.env.BENCH_AFTER_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );

/** BENCH_OTEL_<NAME> → OTEL_<NAME>, for the traced gateway. */
const otelOverrides = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env)
      .filter(([k]) => k.startsWith('BENCH_OTEL_'))
      .map(([k, v]) => [k.slice('BENCH_'.length), v ?? '']),
  );

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

function print(samples: Sample[], targets: Target[]): void {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  console.log(
    '\ntarget       kind              CPU µs/call (each rep)        median   Redis µs/call   errors   first chunk p50 / p90 ms   last byte p50 / p90   mean byte p50 ms',
  );
  for (const t of targets)
    for (const kind of KINDS) {
      const rs = samples.filter((s) => s.target === t.name && s.kind === kind);
      if (!rs.length) continue;
      const streams = rs.flatMap((r) => r.streams ?? []);
      const chunks = streams.map((x) => x.firstChunk);
      const ends = streams.map((x) => x.lastByte);
      const meanBytes = streams.map((x) => x.meanByte);
      console.log(
        `${t.name.padEnd(12)} ${kind.padEnd(16)} ${rs
          .map((r) => f(r.cpuUs).padStart(6))
          .join(' ')
          .padEnd(30)} ${f(median(rs.map((r) => r.cpuUs))).padStart(6)}   ${f(
          median(rs.map((r) => r.redisUs)),
        ).padStart(13)}   ${String(rs.reduce((a, r) => a + r.errors, 0)).padStart(6)}   ${
          chunks.length ? `${f(pct(chunks, 50), 2)} / ${f(pct(chunks, 90), 2)}` : ''
        }${ends.length ? `   ${f(pct(ends, 50), 2)} / ${f(pct(ends, 90), 2)}   ${f(pct(meanBytes, 50), 2)}` : ''}`,
      );
    }
  // The machine's load drifts between reps more than the builds differ: compare each rep's pair
  // (run one after the other) and take the median of the ratios.
  for (const kind of KINDS) {
    const b = samples.filter((s) => s.target === 'gw-before' && s.kind === kind);
    const a = samples.filter((s) => s.target === 'gw-after' && s.kind === kind);
    if (!a.length || a.length !== b.length) continue;
    const ratios = a.map((x, i) => x.cpuUs / b[i].cpuUs);
    console.log(
      `${kind}: after / before CPU per call, per rep: ${ratios.map((r) => f(r, 2)).join(' ')}; median ${f(median(ratios), 3)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
