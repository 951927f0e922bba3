/**
 * `npm run bench:gateway:scale`: the gateway as 1 and as 2 processes against one Redis and one
 * PostgreSQL, closed-loop (fixed total concurrency, split evenly over the processes), reporting
 * throughput, requests/s per core of gateway CPU, and per call: Redis commands, PostgreSQL
 * transactions and rows written. Redis is a private redis-server started for the run (so its
 * command count is this run's alone); PostgreSQL's counters are those of the run's own database.
 * BENCH_REDIS=cluster runs the same against a local 3-master Redis Cluster (REDIS_CLUSTER_NODES;
 * its counters summed over the nodes). On a 2-core machine shared with other work the absolute figures are noisy (docs/scaling.md):
 * the per-call and per-core figures are the ones that carry over to bigger machines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { tempReceiptKeyFile } from './audit/receipt-key-file';
import { startBenchRedis } from './bench/bench-redis';
import type { LoadResult, LoadSpec } from './bench/load-generator';
import { cpuSeconds, freePort, pidOf, startPinned, stop } from './bench/processes';
import { seedBench } from './bench/seed-bench';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_S = Number(process.env.BENCH_PROCESS_WARMUP_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const PROCESSES = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);
const PG_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_MODE = process.env.BENCH_REDIS ?? 'single';

interface Row {
  processes: number;
  rep: number;
  ok: number;
  errors: number;
  throughput: number;
  p50: number;
  p99: number;
  gatewayCpuMsPerReq: number;
  reqPerSecPerCore: number;
  redisCmdsPerReq: number;
  redisCpuMsPerReq: number;
  pgXactsPerReq: number;
  pgRowsPerReq: number;
}

function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'bench', 'load-generator.js'), JSON.stringify(spec)],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadResult)
        : reject(new Error(`load generator failed (${code})`)),
    );
  });
}

const pgStats = async (pg: Client) => {
  const { rows } = await pg.query(
    `SELECT xact_commit::bigint AS x, (tup_inserted + tup_updated + tup_deleted)::bigint AS w FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { xacts: Number(rows[0].x), rows: Number(rows[0].w) };
};

async function main() {
  const children: ChildProcess[] = [];
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const upPort = await freePort();
  const seed = await seedBench(PG_SERVER, upPort);
  const pg = new Client({ connectionString: seed.databaseUrl });
  await pg.connect();
  const redis = await startBenchRedis(REDIS_MODE, freePort);
  try {
    children.push(
      await startPinned('upstream', [
        join(__dirname, 'bench', 'minimal-upstream.js'),
        String(upPort),
      ]),
    );
    const body = JSON.stringify({
      model: seed.model,
      messages: [
        { role: 'user', content: 'Summarise why a velvet rope makes access feel earned.' },
      ],
      max_tokens: 64,
    });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${seed.key}` };
    const rows: Row[] = [];
    console.log(
      `gateway scale bench: ${PROCESSES.join(' and ')} gateway process(es), c=${CONCURRENCY} in total, ${SECONDS}s per run, ${REPS} reps; private Redis: ${redis.mode} (${Object.values(redis.env).join(' ')})`,
    );
    // Deployed, the worker stores the gateways' usage (its ingest alone here, not pinned either).
    const ingest = spawn(process.execPath, [join(__dirname, 'bench', 'usage-ingest.js')], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: seed.databaseUrl, ...redis.env, QUEUE_PREFIX: 'bench' },
    });
    children.push(ingest);
    for (const n of PROCESSES) {
      const gateways: { child: ChildProcess; port: number }[] = [];
      for (let i = 0; i < n; i++) {
        const port = await freePort();
        // Not pinned: with two processes each may take a core (the load generator, Redis and PostgreSQL share them).
        const child = spawn(
          process.execPath,
          ['--single-threaded-gc', join(__dirname, '..', 'apps', 'gateway', 'src', 'main.js')],
          {
            stdio: ['ignore', openSync(`/tmp/bench-scale-gateway-${n}-${i}.log`, 'w'), 'inherit'],
            env: {
              ...process.env,
              NODE_ENV: 'production',
              // production refuses to start without the gateway's receipt key
              AUDIT_RECEIPT_KEY_FILE: tempReceiptKeyFile(),
              DATABASE_URL: seed.databaseUrl,
              ...redis.env,
              QUEUE_PREFIX: 'bench',
              LOG_LEVEL: 'warn',
              GATEWAY_PORT: String(port),
              GATEWAY_ORG_RPM: '100000000',
              GATEWAY_KEY_RPM: '100000000',
              GATEWAY_ORG_TPM: '100000000000',
            },
          },
        );
        children.push(child);
        gateways.push({ child, port });
      }
      for (const g of gateways) {
        for (let t = 0; ; t++) {
          const ok = await fetch(`http://127.0.0.1:${g.port}/v1/chat/completions`, {
            method: 'POST',
            headers,
            body,
          }).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) break;
          if (t > 600 || g.child.exitCode !== null)
            throw new Error(`gateway :${g.port} never answered (exit code ${g.child.exitCode})`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const spec = (port: number, durationS: number, warmupMs: number): LoadSpec => ({
        mode: 'concurrency',
        concurrency: Math.max(1, Math.round(CONCURRENCY / n)),
        url: `http://127.0.0.1:${port}/v1/chat/completions`,
        headers,
        body,
        warmupMs,
        durationMs: durationS * 1000,
      });
      await Promise.all(gateways.map((g) => load(spec(g.port, WARMUP_S, 0))));
      for (let rep = 1; rep <= REPS; rep++) {
        // the gateways' audit entries pile up without an audit worker; drop them between runs
        await redis.dropAuditStream('bench');
        // counters are sampled around the whole run (warm-up of 1 s included), then scaled by its requests
        const cpu0 = gateways.map((g) => cpuSeconds(pidOf(g.child)));
        const rcpu0 = await redis.cpuSeconds();
        const [cmd0, pg0] = [await redis.commands(), await pgStats(pg)];
        const results = await Promise.all(gateways.map((g) => load(spec(g.port, SECONDS, 1000))));
        // usage rows reach PostgreSQL in batches after the calls: let the last batch land
        await new Promise((r) => setTimeout(r, 1500));
        const [cmd1, pg1] = [await redis.commands(), await pgStats(pg)];
        const cpu = gateways.reduce((s, g, i) => s + cpuSeconds(pidOf(g.child)) - cpu0[i], 0);
        const rcpu = (await redis.cpuSeconds()) - rcpu0;
        const ok = results.reduce((s, r) => s + r.ok, 0);
        const total = Math.max(1, ok + results.reduce((s, r) => s + r.errors, 0));
        // every request of the run, warm-up second included, for the per-call counters
        const allRequests = total * ((SECONDS + 1) / SECONDS);
        const mean = (k: 'p50' | 'p99') => results.reduce((s, r) => s + r[k], 0) / results.length;
        const cpuMs = (cpu * 1000) / allRequests;
        rows.push({
          processes: n,
          rep,
          ok,
          errors: total - ok,
          throughput: results.reduce((s, r) => s + r.throughput, 0),
          p50: mean('p50'),
          p99: mean('p99'),
          gatewayCpuMsPerReq: cpuMs,
          reqPerSecPerCore: 1000 / cpuMs,
          redisCmdsPerReq: (cmd1 - cmd0) / allRequests,
          redisCpuMsPerReq: (rcpu * 1000) / allRequests,
          pgXactsPerReq: (pg1.xacts - pg0.xacts) / allRequests,
          pgRowsPerReq: (pg1.rows - pg0.rows) / allRequests,
        });
        const r = rows.at(-1)!;
        const f = (x: number, d = 2) => x.toFixed(d);
        console.log(
          `${n} process(es) rep ${rep}: ${f(r.throughput, 0)} req/s (${r.errors} errors), p50 ${f(r.p50)} ms, p99 ${f(r.p99)} ms; gateway cpu ${f(r.gatewayCpuMsPerReq, 3)} ms/req = ${f(r.reqPerSecPerCore, 0)} req/s per core; redis ${f(r.redisCmdsPerReq)} cmds/req, ${f(r.redisCpuMsPerReq, 3)} cpu ms/req; pg ${f(r.pgXactsPerReq, 3)} xacts/req, ${f(r.pgRowsPerReq, 3)} rows/req`,
        );
      }
      for (const g of gateways) await stop(g.child);
    }
    const out = `/tmp/bench-gateway-scale-${Date.now().toString(36)}.json`;
    writeFileSync(
      out,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          redis: redis.mode,
          seconds: SECONDS,
          concurrency: CONCURRENCY,
          rows,
        },
        null,
        2,
      ),
    );
    console.log(`raw results: ${out}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    await redis.stop();
    await pg.end();
    await seed.drop().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
