/**
 * `npm run bench:gateway`: the gateway's overhead, measured against the same upstream called
 * directly, a 20-line node:http proxy (calibration) and Portkey's open-source gateway, all on
 * loopback, in one run. Fixed rates (open loop) and fixed concurrency (closed loop), each run
 * twice, interleaved. See docs/performance.md for how to read the figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import IORedis from 'ioredis';
import type { LoadResult, LoadSpec } from './bench/load-generator';
import { cpuSeconds, freePort, LOAD_CORE, pidOf, rssMb, startPinned, stop } from './bench/processes';
import { seedBench } from './bench/seed-bench';
import { tempReceiptKeyFile } from './audit/receipt-key-file';
import { deleteKeysWithPrefix, gatewayAuditStream } from '@velvet/queue';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_MS = 2000;
/** Once per target before anything is measured: JIT tiers and heap sizes settle in the first seconds of a process. */
const PROCESS_WARMUP_S = Number(process.env.BENCH_PROCESS_WARMUP_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '250,500,1000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
/** The gateway runs as in production (scripts/start.sh, docker/gateway.Dockerfile): GC on its own thread only. */
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '--single-threaded-gc').split(' ').filter(Boolean);

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
  rssMb: number;
}

function runLoad(spec: LoadSpec, pids: number[]): Promise<{ result: LoadResult; cpu: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', LOAD_CORE, process.execPath, join(__dirname, 'bench', 'load-generator.js'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const before: number[] = [];
    const after: number[] = [];
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      if (s.includes('measure-start')) pids.forEach((p, i) => (before[i] = cpuSeconds(p)));
      if (s.includes('measure-end')) pids.forEach((p, i) => (after[i] = cpuSeconds(p)));
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (${code})`));
      resolve({ result: JSON.parse(out) as LoadResult, cpu: pids.map((_, i) => after[i] - before[i]) });
    });
  });
}

async function measure(t: Target, load: Omit<LoadSpec, 'url' | 'headers' | 'body' | 'warmupMs' | 'durationMs'>, redis: IORedis): Promise<Row> {
  // Looked up per run: other suites sharing this Redis may restart it.
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
  const spec: LoadSpec = { ...load, url: t.url, headers: t.headers, body: t.body, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000 };
  const { result, cpu } = await runLoad(spec, [t.pid, redisPid]);
  const requests = Math.max(1, result.ok + result.errors);
  return {
    ...result,
    target: t.name,
    load: load.mode === 'rate' ? `${load.rate}/s` : `c=${load.concurrency}`,
    cpuMsPerReq: (cpu[0] * 1000) / requests,
    redisCpuMsPerReq: (cpu[1] * 1000) / requests,
    rssMb: rssMb(t.pid),
  };
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');

function print(rows: Row[]): void {
  console.log('\ntarget      load     ok/s     err   p50 ms  p90 ms  p99 ms  cpu ms/req  redis ms/req  rss MB');
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(11)} ${r.load.padEnd(8)} ${f(r.throughput, 0).padStart(6)} ${String(r.errors).padStart(6)}  ${f(r.p50).padStart(6)}  ${f(r.p90).padStart(6)}  ${f(r.p99).padStart(6)}  ${f(r.cpuMsPerReq, 3).padStart(10)}  ${f(r.redisCpuMsPerReq, 3).padStart(12)}  ${f(r.rssMb, 0).padStart(6)}`,
    );
  }
}

function summarise(rows: Row[]): string[] {
  const lines: string[] = [];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const rate of RATES) {
    const of = (t: string) => rows.filter((r) => r.target === t && r.load === `${rate}/s`);
    const direct = of('direct');
    for (const t of ['gateway', 'portkey', 'calibration']) {
      const rs = of(t);
      if (!rs.length || !direct.length) continue;
      lines.push(
        `${rate}/s ${t}: added p50 ${f(mean(rs.map((r) => r.p50)) - mean(direct.map((r) => r.p50)))} ms, added p99 ${f(mean(rs.map((r) => r.p99)) - mean(direct.map((r) => r.p99)))} ms, cpu ${f(mean(rs.map((r) => r.cpuMsPerReq)), 3)} ms/req`,
      );
    }
  }
  for (const t of ['direct', 'calibration', 'gateway', 'portkey']) {
    const rs = rows.filter((r) => r.target === t && r.load.startsWith('c='));
    if (rs.length) lines.push(`max throughput (c=${CONCURRENCY}) ${t}: ${rs.map((r) => f(r.throughput, 0)).join(' / ')} req/s`);
  }
  return lines;
}

async function main() {
  const children: ChildProcess[] = [];
  // If this process dies anyway, its servers must not outlive it.
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const prefix = `bench-${Date.now().toString(36)}`;
  const redis = new IORedis(REDIS_URL);
  const upPort = await freePort();
  const seed = await seedBench(PG_SERVER, upPort);
  try {
    children.push(await startPinned('upstream', [join(__dirname, 'bench', 'minimal-upstream.js'), String(upPort)]));
    const calPort = await freePort();
    children.push(await startPinned('calibration', [join(__dirname, 'bench', 'calibration-proxy.js'), String(calPort), String(upPort)]));
    const gwPort = await freePort();
    const gwLog = join('/tmp', `${prefix}-gateway.log`);
    children.push(
      await startPinned('gateway', [...GATEWAY_NODE_ARGS, join(__dirname, '..', 'apps', 'gateway', 'src', 'main.js')], {
        readyPort: gwPort,
        logFile: openSync(gwLog, 'w'),
        env: {
          NODE_ENV: 'production', DATABASE_URL: seed.databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info',
          AUDIT_RECEIPT_KEY_FILE: tempReceiptKeyFile(),
          GATEWAY_PORT: String(gwPort), GATEWAY_ORG_RPM: '100000000', GATEWAY_KEY_RPM: '100000000', GATEWAY_ORG_TPM: '100000000000',
        },
      }),
    );
    const pkPort = await freePort();
    const portkey = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
    children.push(await startPinned('portkey', ['--import', join(ROOT, 'scripts', 'bench', 'loopback-preload.mjs'), portkey, `--port=${pkPort}`, '--headless'], { readyPort: pkPort }));

    const message = { role: 'user', content: 'Summarise in one sentence why a velvet rope makes access feel earned.' };
    const body = (model: string) => JSON.stringify({ model, messages: [message], max_tokens: 64 });
    const json = { 'content-type': 'application/json' };
    const [up, cal, gw, pk] = children.map(pidOf);
    const targets: Target[] = [
      { name: 'direct', pid: up, url: `http://127.0.0.1:${upPort}/v1/chat/completions`, headers: json, body: body('bench-upstream') },
      { name: 'calibration', pid: cal, url: `http://127.0.0.1:${calPort}/v1/chat/completions`, headers: json, body: body('bench-upstream') },
      { name: 'gateway', pid: gw, url: `http://127.0.0.1:${gwPort}/v1/chat/completions`, headers: { ...json, authorization: `Bearer ${seed.key}` }, body: body(seed.model) },
      {
        name: 'portkey', pid: pk, url: `http://127.0.0.1:${pkPort}/v1/chat/completions`, body: body('bench-upstream'),
        headers: { ...json, authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${upPort}/v1` },
      },
    ];
    const only = process.env.BENCH_TARGETS?.split(',');
    if (only) targets.splice(0, targets.length, ...targets.filter((t) => only.includes(t.name)));
    // A first call through each target proves the path works before anything is timed.
    for (const t of targets) {
      const res = await fetch(t.url, { method: 'POST', headers: t.headers, body: t.body });
      if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    }
    console.log(`gateway bench: ${PROCESS_WARMUP_S}s warm-up per process, then ${SECONDS}s per run after ${WARMUP_MS / 1000}s warm-up, ${REPS} reps interleaved; load on core ${LOAD_CORE}, servers on the other; gateway node ${GATEWAY_NODE_ARGS.join(' ')}`);
    const rows: Row[] = [];
    const started = Date.now();
    // No audit worker runs here, so the gateway's audit entries would pile up in its audit stream
    // (in production the worker's AuditIntake moves them into the audit queue) and make Redis's
    // append-only-file rewrites ever longer forks. Between runs, the bench removes them.
    const drainAudit = async (t: Target) => {
      if (t.name === 'gateway') await redis.del(gatewayAuditStream(prefix));
    };
    const run = async (t: Target, load: Parameters<typeof measure>[1]) => {
      rows.push(await measure(t, load, redis));
      await drainAudit(t);
    };
    for (const t of targets) {
      await runLoad({ mode: 'rate', rate: RATES[Math.floor(RATES.length / 2)], url: t.url, headers: t.headers, body: t.body, warmupMs: 0, durationMs: PROCESS_WARMUP_S * 1000 }, []);
      await drainAudit(t);
    }
    for (let rep = 0; rep < REPS; rep++) {
      for (const rate of RATES) for (const t of targets) await run(t, { mode: 'rate', rate });
      for (const t of targets) await run(t, { mode: 'concurrency', concurrency: CONCURRENCY });
      print(rows.slice(-targets.length * (RATES.length + 1)));
    }
    const summary = summarise(rows);
    console.log(`\n${summary.join('\n')}\n(measured in ${Math.round((Date.now() - started) / 1000)} s)`);
    const out = join('/tmp', `${prefix}-results.json`);
    writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, rows, summary }, null, 2));
    console.log(`\nraw results: ${out}; gateway log: ${gwLog}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    await seed.drop().catch(() => undefined);
    // The run's queues, counters and usage stream: nothing of it should outlive the run.
    await deleteKeysWithPrefix(REDIS_URL, prefix);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
