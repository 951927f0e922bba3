/**
 * `npm run bench:gateway`: the gateway's overhead, measured against the same upstream called
 * directly, a 20-line node:http proxy (calibration) and Portkey's open-source gateway, all on
 * loopback, in one run. Fixed rates (open loop) and fixed concurrency (closed loop), each run
 * twice, interleaved. See docs/performance.md for how to read the figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { cpuByPhase } from './bench/cpu-profile';
import type { LoadResult, LoadSpec } from './bench/load-generator';
import { commandStats, type PrivateRedis, startPrivateRedis } from './bench/private-redis';
import {
  cpuSeconds,
  postgresCpuSeconds,
  freePort,
  LOAD_CORE,
  pidOf,
  rssMb,
  startPinned,
  startUpstreamAndCalibration,
  stop,
} from './bench/processes';
import { seedBench } from './bench/seed-bench';
import type { StreamProbeResult, StreamProbeSpec } from './bench/stream-probe';
import { tempReceiptKeyFile } from './audit/receipt-key-file';
import { deleteKeysWithPrefix, gatewayAuditStream } from '@velvet/queue';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_MS = 2000;
/** Once per target before anything is measured: JIT tiers and heap sizes settle in the first seconds of a process. */
const PROCESS_WARMUP_S = Number(process.env.BENCH_PROCESS_WARMUP_SECONDS ?? 10);
/** `BENCH_RATES=none`: closed-loop runs only (the least distorted on a busy machine). */
const RATES = (process.env.BENCH_RATES ?? '250,500,1000')
  .split(',')
  .map(Number)
  .filter((r) => r > 0);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REPS = Number(process.env.BENCH_REPS ?? 2);
/** `shared`: the machine's Redis (REDIS_URL), whose CPU other suites share; default: a redis-server of the bench's own. */
const SHARED_REDIS = process.env.BENCH_REDIS === 'shared';
const STREAMS = Number(process.env.BENCH_STREAMS ?? 300);
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE !== '0';
/**
 * The profiled run's load: a rate, or `c=N` (closed loop) on a busy machine, where a process that
 * falls behind an open-loop rate profiles its own backlog (timers, sockets) rather than its calls.
 */
const PROFILE_LOAD = process.env.BENCH_PROFILE_LOAD ?? '500';
const profileLoad = (): Pick<LoadSpec, 'mode' | 'rate' | 'concurrency'> =>
  PROFILE_LOAD.startsWith('c=')
    ? { mode: 'concurrency', concurrency: Number(PROFILE_LOAD.slice(2)) }
    : { mode: 'rate', rate: Number(PROFILE_LOAD) };
/** Another build of the gateway to measure (an A/B against an earlier commit built elsewhere). */
const GATEWAY_MAIN =
  process.env.BENCH_GATEWAY_MAIN ?? join(__dirname, '..', 'apps', 'gateway', 'src', 'main.js');
const PG_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
/** The gateway runs as in production (scripts/start.sh, docker/gateway.Dockerfile): GC on its own thread only. */
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '--single-threaded-gc')
  .split(' ')
  .filter(Boolean);
/**
 * What stands for the worker, on the load generator's core: `ingest` (default), its usage ingest
 * alone; `full`, the worker itself (apps/worker: the usage ingest, the premium calls' audit intake
 * and log writer, entitlement evaluations), so the machine's CPU per premium call includes the audit
 * trail. Not the default: at 1000 req/s the audit writer takes a good part of the load generator's core.
 */
const WORKER = process.env.BENCH_WORKER === 'full' ? 'full' : 'ingest';
/** Node flags of that process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/x`, which NODE_OPTIONS refuses). */
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const WORKER_LABEL =
  WORKER === 'full'
    ? 'the worker (usage ingest, audit intake and log, entitlements)'
    : "the worker's usage ingest; the audit intake does not run here, see docs/audit.md";

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  pid: number;
}

interface Row extends LoadResult {
  target: string;
  load: string;
  cpuMsPerReq: number;
  redisCpuMsPerReq: number;
  /** The worker, or its usage ingest alone (BENCH_WORKER), on the load generator's core. */
  workerCpuMsPerReq: number;
  /** Every PostgreSQL process of the machine (the worker's inserts, the gateway's snapshot checks). */
  postgresCpuMsPerReq: number;
  rssMb: number;
  /** Redis µs per request by command (INFO commandstats; scripts' inner commands are counted inside evalsha too). */
  redisUsByCommand?: Record<string, number>;
}

interface StreamRow extends StreamProbeResult {
  target: string;
  load: string;
}

/** Targets the stream probe calls: chat completions only (its body is a streamed chat request). */
const STREAMED = new Set(['direct', 'calibration', 'floor-redis', 'gateway', 'portkey']);

const loads = new Set<ChildProcess>();
/** Stops the load generators still running (a background load beside the stream probe). */
const stopLoads = () => loads.forEach((c) => c.kill('SIGKILL'));

function runLoad(
  spec: LoadSpec,
  pids: number[],
): Promise<{ result: LoadResult; cpu: number[]; postgresCpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'taskset',
      [
        '-c',
        LOAD_CORE,
        process.execPath,
        join(__dirname, 'bench', 'load-generator.js'),
        JSON.stringify(spec),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    loads.add(child);
    child.once('exit', () => loads.delete(child));
    let out = '';
    const before: number[] = [];
    const after: number[] = [];
    let postgresBefore = NaN;
    let postgresAfter = NaN;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      if (s.includes('measure-start')) {
        pids.forEach((p, i) => (before[i] = cpuSeconds(p)));
        postgresBefore = postgresCpuSeconds();
      }
      if (s.includes('measure-end')) {
        pids.forEach((p, i) => (after[i] = cpuSeconds(p)));
        postgresAfter = postgresCpuSeconds();
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (${code})`));
      resolve({
        result: JSON.parse(out) as LoadResult,
        cpu: pids.map((_, i) => after[i] - before[i]),
        postgresCpu: postgresAfter - postgresBefore,
      });
    });
  });
}

async function measure(
  t: Target,
  load: Omit<LoadSpec, 'url' | 'headers' | 'body' | 'warmupMs' | 'durationMs'>,
  redis: IORedis,
  workerPid: number,
): Promise<Row> {
  // Looked up per run: other suites sharing this Redis may restart it.
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
  const spec: LoadSpec = {
    ...load,
    url: t.url,
    headers: t.headers,
    body: t.body,
    warmupMs: WARMUP_MS,
    durationMs: SECONDS * 1000,
  };
  await redis.config('RESETSTAT');
  const { result, cpu, postgresCpu } = await runLoad(spec, [t.pid, redisPid, workerPid]);
  const stats = await commandStats(redis);
  const requests = Math.max(1, result.ok + result.errors);
  // (warm-up and the tail are in the counters too: per request of the whole run, approximately)
  const all = requests * ((SECONDS * 1000 + WARMUP_MS) / (SECONDS * 1000));
  const redisUsByCommand = Object.fromEntries(
    Object.entries(stats)
      .filter(([c]) => !['config', 'info', 'ping'].includes(c))
      .map(([c, v]) => [c, Math.round((v.usec / all) * 10) / 10]),
  );
  return {
    redisUsByCommand,
    ...result,
    target: t.name,
    load: load.mode === 'rate' ? `${load.rate}/s` : `c=${load.concurrency}`,
    cpuMsPerReq: (cpu[0] * 1000) / requests,
    redisCpuMsPerReq: (cpu[1] * 1000) / requests,
    workerCpuMsPerReq: (cpu[2] * 1000) / requests,
    postgresCpuMsPerReq: (postgresCpu * 1000) / requests,
    rssMb: rssMb(t.pid),
  };
}

function runStreamProbe(spec: StreamProbeSpec): Promise<StreamProbeResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'taskset',
      [
        '-c',
        LOAD_CORE,
        process.execPath,
        join(__dirname, 'bench', 'stream-probe.js'),
        JSON.stringify(spec),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as StreamProbeResult[])
        : reject(new Error(`stream probe failed (${code})`)),
    );
  });
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');

function print(rows: Row[]): void {
  console.log(
    '\ntarget      load     ok/s     err   p50 ms  p90 ms  p99 ms  cpu ms/req  redis ms/req  rss MB',
  );
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(11)} ${r.load.padEnd(8)} ${f(r.throughput, 0).padStart(6)} ${String(r.errors).padStart(6)}  ${f(r.p50).padStart(6)}  ${f(r.p90).padStart(6)}  ${f(r.p99).padStart(6)}  ${f(r.cpuMsPerReq, 3).padStart(10)}  ${f(r.redisCpuMsPerReq, 3).padStart(12)}  ${f(r.rssMb, 0).padStart(6)}`,
    );
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function summarise(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const rate of RATES) {
    const of = (t: string) => rows.filter((r) => r.target === t && r.load === `${rate}/s`);
    for (const [t, baseline] of [
      ['gateway', 'direct'],
      ['portkey', 'direct'],
      ['calibration', 'direct'],
      ['floor-redis', 'direct'],
      ['gw-respons', 'direct'],
      ['gw-embed', 'direct-emb'],
    ]) {
      const rs = of(t);
      const direct = of(baseline);
      if (!rs.length || !direct.length) continue;
      lines.push(
        `${rate}/s ${t}: added p50 ${f(mean(rs.map((r) => r.p50)) - mean(direct.map((r) => r.p50)))} ms, added p99 ${f(mean(rs.map((r) => r.p99)) - mean(direct.map((r) => r.p99)))} ms, cpu ${f(mean(rs.map((r) => r.cpuMsPerReq)), 3)} ms/req, redis ${f(mean(rs.map((r) => r.redisCpuMsPerReq)), 3)} ms/req, ok ${f(mean(rs.map((r) => r.throughput)), 0)}/s`,
      );
    }
    const cal = of('calibration');
    const gw = of('gateway');
    if (cal.length && gw.length) {
      lines.push(
        `${rate}/s gateway cpu / calibration cpu: ${f(mean(gw.map((r) => r.cpuMsPerReq)) / mean(cal.map((r) => r.cpuMsPerReq)))}x`,
      );
    }
    if (gw.length)
      lines.push(
        `${rate}/s machine cpu per gateway call (gateway + its Redis + ${WORKER_LABEL} + PostgreSQL): ${f(mean(gw.map((r) => r.cpuMsPerReq + r.redisCpuMsPerReq + r.workerCpuMsPerReq + r.postgresCpuMsPerReq)), 3)} ms (${WORKER} ${f(mean(gw.map((r) => r.workerCpuMsPerReq)), 3)} ms, PostgreSQL ${f(mean(gw.map((r) => r.postgresCpuMsPerReq)), 3)} ms)`,
      );
  }
  for (const t of [
    'direct',
    'calibration',
    'floor-redis',
    'gateway',
    'portkey',
    'gw-respons',
    'direct-emb',
    'gw-embed',
  ]) {
    const rs = rows.filter((r) => r.target === t && r.load.startsWith('c='));
    if (rs.length)
      lines.push(
        `max throughput (c=${CONCURRENCY}) ${t}: ${rs.map((r) => f(r.throughput, 0)).join(' / ')} req/s`,
      );
  }
  return lines;
}

/**
 * The gateway's performance targets (docs/performance.md), each with the figure of this run it is judged by (and only meaningful from a
 * run on a quiet machine): CPU ≤ 2× calibration at every rate, added p99 < 5 ms at 500/s while the
 * calibration proxy's is < 2 ms, the gateway keeping up at 1000/s, the first chunk < 1 ms over direct.
 */
function targetLines(rows: Row[], streamRows: StreamRow[]): string[] {
  const at = (t: string, load: string) => rows.filter((r) => r.target === t && r.load === load);
  const added = (t: string, load: string, k: 'p50' | 'p99') =>
    mean(at(t, load).map((r) => r[k])) - mean(at('direct', load).map((r) => r[k]));
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = ['targets (judge them only from a run on a quiet machine):'];
  const ratiosOf = (target: string) =>
    RATES.map((rate) => {
      const load = `${rate}/s`;
      const t = at(target, load);
      const cal = at('calibration', load);
      return t.length && cal.length
        ? mean(t.map((r) => r.cpuMsPerReq)) / mean(cal.map((r) => r.cpuMsPerReq))
        : NaN;
    });
  const ratios = ratiosOf('gateway');
  const floorRatios = ratiosOf('floor-redis');
  if (ratios.some(Number.isFinite))
    lines.push(
      `  gateway CPU ≤ 2× calibration: ${RATES.map((r, i) => `${r}/s ${f(ratios[i])}×`).join(', ')} — ${mark(ratios.every((x) => x <= 2))}${floorRatios.some(Number.isFinite) ? ` (the stack's floor with one Redis script: ${floorRatios.map((x) => `${f(x)}×`).join(', ')})` : ''}`,
    );
  if (at('gateway', '500/s').length && at('direct', '500/s').length) {
    const gw = added('gateway', '500/s', 'p99');
    const cal = added('calibration', '500/s', 'p99');
    lines.push(
      `  added p99 at 500/s < 5 ms (calibration's < 2 ms): gateway +${f(gw)} ms, calibration +${f(cal)} ms — ${Number.isFinite(cal) && cal >= 2 ? 'not judged (calibration ≥ 2 ms: the machine was not quiet)' : mark(gw < 5)}`,
    );
  }
  const k = at('gateway', '1000/s');
  if (k.length) {
    // Kept up: served at the offered rate with no queue forming. A gateway that falls behind for a
    // moment still serves ~1000/s over the window, but its p99 climbs into seconds; 100 ms is ~100
    // calls waiting at once.
    const served = mean(k.map((r) => r.throughput));
    const p99 = mean(k.map((r) => r.p99));
    lines.push(
      `  1000/s kept up (≥ 980/s served, p99 < 100 ms): ${f(served, 0)}/s served, p99 ${f(p99)} ms — ${mark(served >= 980 && p99 < 100)}`,
    );
  }
  for (const load of ['sequential', '+500/s plain']) {
    const d = streamRows.filter((r) => r.target === 'direct' && r.load === load && r.ok > 0);
    const addedOf = (t: string) => {
      const rs = streamRows.filter((r) => r.target === t && r.load === load && r.ok > 0);
      return rs.length && d.length ? mean(rs.map((r) => r.p50)) - mean(d.map((r) => r.p50)) : NaN;
    };
    const parts = ['gateway-premium', 'gateway-standard'].map((t) => ({ t, v: addedOf(t) }));
    // A proxy cannot be faster than what it proxies: a calibration ahead of direct means noise.
    const calAdded = addedOf('calibration');
    const floorAdded = addedOf('floor-redis');
    if (parts.some((p) => Number.isFinite(p.v)))
      lines.push(
        `  first chunk < 1 ms over direct (p50, ${load}): ${parts.map((p) => `${p.t.replace('gateway-', '')} +${f(p.v)} ms`).join(', ')} (calibration +${f(calAdded)} ms${Number.isFinite(floorAdded) ? `, the floor with its text written ahead +${f(floorAdded)} ms` : ''}) — ${calAdded < 0 ? 'not judged (calibration ahead of direct: the machine was not quiet)' : mark(parts.every((p) => p.v < 1))}`,
      );
  }
  return lines;
}

async function main() {
  const children: ChildProcess[] = [];
  // If this process dies anyway, its servers must not outlive it.
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const prefix = `bench-${Date.now().toString(36)}`;
  const own: PrivateRedis | null = SHARED_REDIS ? null : await startPrivateRedis();
  const REDIS_URL = own?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new IORedis(REDIS_URL);
  const upPort = await freePort();
  const seed = await seedBench(PG_SERVER, upPort);
  try {
    const { upstream, calibration, calPort } = await startUpstreamAndCalibration(upPort);
    children.push(upstream, calibration);
    const gwPort = await freePort();
    const gwLog = join('/tmp', `${prefix}-gateway.log`);
    const startGateway = (port: number, log: string, nodeArgs: string[] = []) =>
      startPinned('gateway', [...GATEWAY_NODE_ARGS, ...nodeArgs, GATEWAY_MAIN], {
        readyPort: port,
        logFile: openSync(log, 'w'),
        env: {
          NODE_ENV: 'production',
          DATABASE_URL: seed.databaseUrl,
          REDIS_URL,
          QUEUE_PREFIX: prefix,
          LOG_LEVEL: 'info',
          AUDIT_RECEIPT_KEY_FILE: tempReceiptKeyFile(),
          GATEWAY_PORT: String(port),
          GATEWAY_ORG_RPM: '100000000',
          GATEWAY_KEY_RPM: '100000000',
          GATEWAY_ORG_TPM: '100000000000',
        },
      });
    children.push(await startGateway(gwPort, gwLog));
    const pkPort = await freePort();
    const portkey = join(
      ROOT,
      'node_modules',
      '@portkey-ai',
      'gateway',
      'build',
      'start-server.js',
    );
    children.push(
      await startPinned(
        'portkey',
        [
          '--import',
          join(ROOT, 'scripts', 'bench', 'loopback-preload.mjs'),
          portkey,
          `--port=${pkPort}`,
          '--headless',
        ],
        { readyPort: pkPort },
      ),
    );

    // The stack's floor with its one Redis script per call (scripts/bench/stack-floor-proxy.ts): what
    // Fastify, undici, JSON and one round trip cost at each rate, and, streamed, the first chunk of
    // any gateway that writes text ahead before sending it.
    const floorPort = await freePort();
    children.push(
      await startPinned('floor-redis', [
        join(__dirname, 'bench', 'stack-floor-proxy.js'),
        String(floorPort),
        String(upPort),
        REDIS_URL,
        `${prefix}:floor`,
      ]),
    );

    const message = {
      role: 'user',
      content: 'Summarise in one sentence why a velvet rope makes access feel earned.',
    };
    const body = (model: string, stream = false) =>
      JSON.stringify({
        model,
        messages: [message],
        max_tokens: 64,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      });
    const json = { 'content-type': 'application/json' };
    // Deployed, the worker stores the gateways' usage and audit entries; here off the servers' core.
    const workerEnv = { DATABASE_URL: seed.databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix };
    const metricsPort = await freePort();
    const worker =
      WORKER === 'full'
        ? await startPinned(
            'worker',
            [...WORKER_NODE_ARGS, join(__dirname, '..', 'apps', 'worker', 'src', 'main.js')],
            {
              core: LOAD_CORE,
              env: { ...workerEnv, METRICS_PORT: String(metricsPort) }, // its log level as deployed
              logFile: 'ignore',
              readyPort: metricsPort,
            },
          )
        : await startPinned(
            'usage ingest',
            [...WORKER_NODE_ARGS, join(__dirname, 'bench', 'usage-ingest.js')],
            {
              core: LOAD_CORE,
              env: workerEnv,
            },
          );
    children.push(worker); // (after the targets: their pids are read by position below)
    const [up, cal, gw, pk, fl] = children.map(pidOf);
    const targets: Target[] = [
      {
        name: 'direct',
        pid: up,
        url: `http://127.0.0.1:${upPort}/v1/chat/completions`,
        headers: json,
        body: body('bench-upstream'),
      },
      {
        name: 'calibration',
        pid: cal,
        url: `http://127.0.0.1:${calPort}/v1/chat/completions`,
        headers: json,
        body: body('bench-upstream'),
      },
      {
        name: 'gateway',
        pid: gw,
        url: `http://127.0.0.1:${gwPort}/v1/chat/completions`,
        headers: { ...json, authorization: `Bearer ${seed.key}` },
        body: body(seed.model),
      },
      {
        name: 'floor-redis',
        pid: fl,
        url: `http://127.0.0.1:${floorPort}/v1/chat/completions`,
        headers: { ...json, authorization: 'Bearer bench-floor-key' },
        body: body('bench-upstream'),
      },
      {
        name: 'portkey',
        pid: pk,
        url: `http://127.0.0.1:${pkPort}/v1/chat/completions`,
        body: body('bench-upstream'),
        headers: {
          ...json,
          authorization: 'Bearer sk-bench',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `http://127.0.0.1:${upPort}/v1`,
        },
      },
      // The Responses API over the same chat upstream (translated both ways), and embeddings against the upstream's own.
      {
        name: 'gw-respons',
        pid: gw,
        url: `http://127.0.0.1:${gwPort}/v1/responses`,
        headers: { ...json, authorization: `Bearer ${seed.key}` },
        body: JSON.stringify({ model: seed.model, input: message.content, max_output_tokens: 64 }),
      },
      {
        name: 'direct-emb',
        pid: up,
        url: `http://127.0.0.1:${upPort}/v1/embeddings`,
        headers: json,
        body: JSON.stringify({
          model: 'bench-upstream',
          input: message.content,
          encoding_format: 'base64',
        }),
      },
      {
        name: 'gw-embed',
        pid: gw,
        url: `http://127.0.0.1:${gwPort}/v1/embeddings`,
        headers: { ...json, authorization: `Bearer ${seed.key}` },
        body: JSON.stringify({
          model: seed.model,
          input: message.content,
          encoding_format: 'base64',
        }),
      },
    ];
    const only = process.env.BENCH_TARGETS?.split(',');
    if (only) targets.splice(0, targets.length, ...targets.filter((t) => only.includes(t.name)));
    // A first call through each target proves the path works before anything is timed.
    for (const t of targets) {
      const res = await fetch(t.url, { method: 'POST', headers: t.headers, body: t.body });
      if (res.status !== 200)
        throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    }
    console.log(
      `gateway bench: ${PROCESS_WARMUP_S}s warm-up per process, then ${SECONDS}s per run after ${WARMUP_MS / 1000}s warm-up, ${REPS} reps interleaved; load on core ${LOAD_CORE}, servers on the other; gateway node ${GATEWAY_NODE_ARGS.join(' ')}`,
    );
    const rows: Row[] = [];
    const started = Date.now();
    // Without the whole worker, the gateway's audit entries would pile up in its audit stream (the
    // worker's GatewayAuditIntake writes them into the log) and make Redis's append-only-file rewrites
    // ever longer forks. Between runs, the bench removes them.
    // With it, what the worker had not written yet when a run ended says whether its CPU kept up.
    const auditBacklogs: number[] = [];
    const drainAudit = async (t: Target) => {
      if (t.name !== 'gateway') return;
      if (WORKER === 'ingest') await redis.del(gatewayAuditStream(prefix));
      else auditBacklogs.push(await redis.xlen(gatewayAuditStream(prefix)));
    };
    const run = async (t: Target, load: Parameters<typeof measure>[1]) => {
      rows.push(await measure(t, load, redis, pidOf(worker)));
      await drainAudit(t);
    };
    for (const t of targets) {
      await runLoad(
        {
          mode: 'rate',
          rate: RATES[Math.floor(RATES.length / 2)] ?? 500,
          url: t.url,
          headers: t.headers,
          body: t.body,
          warmupMs: 0,
          durationMs: PROCESS_WARMUP_S * 1000,
        },
        [],
      );
      await drainAudit(t);
    }
    for (let rep = 0; rep < REPS; rep++) {
      for (const rate of RATES) for (const t of targets) await run(t, { mode: 'rate', rate });
      for (const t of targets) await run(t, { mode: 'concurrency', concurrency: CONCURRENCY });
      print(rows.slice(-targets.length * (RATES.length + 1)));
    }
    // Streaming: time to the first chunk, sequential streams, alone and beside 500 req/s of plain load.
    const streamRows: StreamRow[] = [];
    // Only chat-completion targets stream here (the Responses and embeddings targets are not probed),
    // each beside its own plain chat load.
    const streamTargets = targets.flatMap((t) => {
      if (!STREAMED.has(t.name)) return [];
      const plain = t;
      if (t.name !== 'gateway')
        return [{ ...t, plain, body: body(JSON.parse(t.body).model, true) }];
      return [
        { ...t, plain, name: 'gateway-premium', body: body(seed.model, true) },
        { ...t, plain, name: 'gateway-standard', body: body(seed.standardModel, true) },
      ];
    });
    if (STREAMS > 0) {
      // Every target in each round (one stream each, in turn): differences between targets, and so
      // each one's "added" over direct, are not those of two moments of a drifting machine.
      for (let rep = 0; rep < REPS; rep++) {
        const results = await runStreamProbe({
          targets: streamTargets.map(({ url, headers, body }) => ({ url, headers, body })),
          count: STREAMS,
          warmup: 20,
        });
        streamTargets.forEach((t, i) =>
          streamRows.push({ target: t.name, load: 'sequential', ...results[i] }),
        );
      }
      for (const t of streamTargets) {
        const bg = t.plain;
        const load = runLoad(
          {
            mode: 'rate',
            rate: 500,
            url: bg.url,
            headers: bg.headers,
            body: bg.body,
            warmupMs: 1000,
            durationMs: 600_000,
          },
          [],
        );
        // (the load generator is stopped once the probe is done: its figures are not the point here)
        await new Promise((r) => setTimeout(r, 1500));
        streamRows.push({
          target: t.name,
          load: '+500/s plain',
          ...(
            await runStreamProbe({
              targets: [{ url: t.url, headers: t.headers, body: t.body }],
              count: STREAMS,
              warmup: 20,
              maxMs: 20_000,
            })
          )[0],
        });
        stopLoads();
        await load.catch(() => undefined);
        await drainAudit(bg);
      }
      console.log(
        '\nstreams: time to the first chunk (ms)\ntarget            load           ok   err   p50    p90    p99',
      );
      for (const r of streamRows) {
        console.log(
          `${r.target.padEnd(17)} ${r.load.padEnd(13)} ${String(r.ok).padStart(4)} ${String(r.errors).padStart(5)} ${f(r.p50).padStart(6)} ${f(r.p90).padStart(6)} ${f(r.p99).padStart(6)}`,
        );
      }
    }
    const streamSummary: string[] = [];
    // A probe that completed no stream has no percentiles (its p50 is NaN, null once in JSON): no line.
    const measured = (r: StreamRow) => r.ok > 0 && Number.isFinite(r.p50) && Number.isFinite(r.p99);
    for (const load of ['sequential', '+500/s plain']) {
      const d = streamRows.filter((r) => r.target === 'direct' && r.load === load && measured(r));
      for (const t of streamTargets.filter((x) => x.name !== 'direct')) {
        const all = streamRows.filter((r) => r.target === t.name && r.load === load);
        const rs = all.filter(measured);
        if (all.length && !rs.length)
          streamSummary.push(`first chunk, ${load}, ${t.name}: no stream completed`);
        else if (d.length && rs.length)
          streamSummary.push(
            `first chunk, ${load}, ${t.name}: added p50 ${f(mean(rs.map((r) => r.p50)) - mean(d.map((r) => r.p50)))} ms, added p99 ${f(mean(rs.map((r) => r.p99)) - mean(d.map((r) => r.p99)))} ms`,
          );
      }
    }
    // CPU by phase: a second gateway process with --cpu-prof, BENCH_PROFILE_LOAD (500 req/s) for the run's length.
    let profile: Record<string, number> | null = null;
    const gwTarget = targets.find((t) => t.name === 'gateway');
    if (CPU_PROFILE && gwTarget) {
      const keep = process.env.BENCH_CPU_PROFILE_DIR;
      const dir = keep ?? mkdtempSync(join(tmpdir(), 'bench-cpuprof-'));
      const port = await freePort();
      const spawnedAt = Date.now();
      const profiled = await startGateway(port, join('/tmp', `${prefix}-gateway-profiled.log`), [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
      ]);
      const url = `http://127.0.0.1:${port}/v1/chat/completions`;
      await runLoad(
        {
          ...profileLoad(),
          url,
          headers: gwTarget.headers,
          body: gwTarget.body,
          warmupMs: 0,
          durationMs: PROCESS_WARMUP_S * 1000,
        },
        [],
      );
      const from = Date.now() - spawnedAt + WARMUP_MS;
      const { result } = await runLoad(
        {
          ...profileLoad(),
          url,
          headers: gwTarget.headers,
          body: gwTarget.body,
          warmupMs: WARMUP_MS,
          durationMs: SECONDS * 1000,
        },
        [],
      );
      const to = Date.now() - spawnedAt - 2000;
      await stop(profiled, 60_000);
      await redis.del(gatewayAuditStream(prefix));
      try {
        profile = cpuByPhase(
          dir,
          from,
          to,
          Math.max(1, result.ok + result.errors) * ((to - from) / (SECONDS * 1000)),
        );
        console.log(
          `\ngateway CPU by phase at ${PROFILE_LOAD.startsWith('c=') ? PROFILE_LOAD : `${PROFILE_LOAD} req/s`} (µs per request, --cpu-prof, self time; builtins with their caller):`,
        );
        for (const [k, v] of Object.entries(profile))
          console.log(`  ${k.padEnd(44)} ${f(v, 1).padStart(7)}`);
        console.log(
          `  ${'total'.padEnd(44)} ${f(
            Object.values(profile).reduce((a, b) => a + b, 0),
            1,
          ).padStart(7)}`,
        );
      } catch (error) {
        console.log(`cpu profile not read: ${(error as Error).message}`);
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
      else
        console.log(
          `cpu profile kept in ${dir} (window ${from}-${to} ms, ${result.ok + result.errors} requests in ${SECONDS} s, p50 ${f(result.p50)} ms)`,
        );
    }
    const gwRows = rows.filter(
      (r) => r.target === 'gateway' && r.load === '500/s' && r.redisUsByCommand,
    );
    const byCommand: Record<string, number> = {};
    for (const r of gwRows)
      for (const [c, v] of Object.entries(r.redisUsByCommand!))
        byCommand[c] = (byCommand[c] ?? 0) + v / gwRows.length;
    if (gwRows.length) {
      console.log(
        '\nRedis µs per gateway request at 500 req/s, by command (INFO commandstats; evalsha includes its inner commands):',
      );
      for (const [c, v] of Object.entries(byCommand).sort((a, b) => b[1] - a[1]))
        console.log(`  ${c.padEnd(16)} ${f(v, 1).padStart(7)}`);
    }
    if (WORKER === 'full') {
      // the last run's entries: give the worker up to 30 s to write them before counting
      for (let i = 0; i < 300 && (await redis.xlen(gatewayAuditStream(prefix))) > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      streamSummary.push(await auditLogLine(seed.databaseUrl, auditBacklogs));
    }
    const summary = [...summarise(rows), ...streamSummary, ...targetLines(rows, streamRows)];
    console.log(
      `\n${summary.join('\n')}\n(measured in ${Math.round((Date.now() - started) / 1000)} s; Redis: ${own ? "the bench's own redis-server" : 'shared'})`,
    );
    const out = join('/tmp', `${prefix}-results.json`);
    writeFileSync(
      out,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          seconds: SECONDS,
          rows,
          streamRows,
          profile,
          redisUsByCommand: byCommand,
          summary,
        },
        null,
        2,
      ),
    );
    console.log(`\nraw results: ${out}; gateway log: ${gwLog}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    await seed.drop().catch(() => undefined);
    // The run's queues, counters and usage stream: nothing of it should outlive the run.
    await deleteKeysWithPrefix(REDIS_URL, prefix);
    await redis.quit();
    await own?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** Proof the worker did the audit trail's work: its rows in the log, and the backlog at each run's end. */
async function auditLogLine(databaseUrl: string, backlogs: number[]): Promise<string> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_log`);
    return `audit log: ${rows[0].n} entries written by the worker; its stream's backlog at the end of each gateway run: ${backlogs.join(', ') || 'none'}`;
  } finally {
    await db.end();
  }
}
