/**
 * `npm run test:faults`: premium traffic through the real gateway while the audit worker is
 * SIGKILLed, Redis is restarted (append-only persistence) and PostgreSQL is restarted; then
 * every call answered with success must have exactly one audit record, and the Merkle tree and
 * every signed tree head must verify. Uses the machine's shared Redis and PostgreSQL servers
 * (with a scratch database and queue prefix): run it alone, not beside other suites.
 * `--direct` drives AuditProducer instead of the gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { seedBench } from './bench/seed-bench';
import { PG_SERVER, producerFor, REDIS_URL, ROOT, sleep, startWorker, stopProcess, syntheticCall, type Scratch } from './audit/audit-harness';
import { restartPostgres, restartRedis } from './audit/fault-actions';
import { reconcile } from './audit/reconcile';
import { deleteKeysWithPrefix } from '@velvet/queue';

const CONCURRENCY = Number(process.env.FAULTS_CONCURRENCY ?? 16);
const DIRECT = process.argv.includes('--direct') || !existsSync(join(ROOT, 'dist/apps/gateway/src/main.js'));

const log = (msg: string) => console.log(`[faults ${new Date().toISOString().slice(11, 23)}] ${msg}`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function node(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

async function main() {
  const prefix = `faults-${Date.now().toString(36)}`;
  const upstreamPort = await freePort();
  const gatewayPort = await freePort();
  const upstream = node('dist/scripts/bench/minimal-upstream.js', [String(upstreamPort)], {});
  const seed = await seedBench(PG_SERVER, upstreamPort);
  const db = new Client({ connectionString: seed.databaseUrl });
  await db.connect();
  const scratch: Scratch = { url: seed.databaseUrl, prefix, db, drop: seed.drop };
  const [org] = (await db.query(`SELECT id FROM organizations LIMIT 1`)).rows;
  const [key] = (await db.query(`SELECT id FROM api_keys LIMIT 1`)).rows;
  // The worker also runs the entitlement engine, which re-evaluates the seeded unlock: give the
  // premium tier a rule this organisation meets (verified, not suspended; no contract or spend needed).
  await db.query(
    `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros) VALUES ('premium', false, 0)
     ON CONFLICT (tier) DO UPDATE SET requires_contract = false, min_qualifying_spend_micros = 0`,
  );
  // The restarts below drop every PostgreSQL connection: hold none while they happen.
  await db.end();
  const gateway = DIRECT
    ? null
    : node('dist/apps/gateway/src/main.js', [], {
        NODE_ENV: 'test', DATABASE_URL: seed.databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, GATEWAY_PORT: String(gatewayPort), LOG_LEVEL: 'error',
        GATEWAY_ORG_RPM: '100000000', GATEWAY_KEY_RPM: '100000000', GATEWAY_ORG_TPM: '100000000000',
      });
  const producer = DIRECT ? producerFor(scratch) : null;
  const spawnWorker = () => {
    const w = startWorker(scratch, { LOG_LEVEL: 'error', AUDIT_TREE_HEAD_INTERVAL_MS: '500' });
    children.push(w);
    return w;
  };
  let worker = spawnWorker();
  log(`driving premium calls ${DIRECT ? 'through AuditProducer directly' : `through the gateway on :${gatewayPort}`}, concurrency ${CONCURRENCY}`);
  await sleep(4000);

  const succeeded = new Set<string>();
  const outcomes: Record<string, number> = {};
  const samples: Record<string, string> = {};
  let running = true;
  let n = 0;
  const oneCall = async (): Promise<void> => {
    const i = n++;
    const id = `fault-${prefix}-${i}`;
    try {
      if (producer) {
        const call = syntheticCall(org.id, key.id, i);
        await producer.recordPremiumCall({ ...call, requestId: `${org.id}:${id}` });
        succeeded.add(`${org.id}:${id}`);
        outcomes.ok = (outcomes.ok ?? 0) + 1;
        return;
      }
      const res = await fetch(`http://127.0.0.1:${gatewayPort}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${seed.key}`, 'x-request-id': id },
        body: JSON.stringify({ model: seed.model, messages: [{ role: 'user', content: `fault test call ${i}: summarise the report` }], max_tokens: 64 }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.text();
      if (res.status !== 200 && !samples[res.status]) samples[res.status] = body.slice(0, 300);
      outcomes[res.status] = (outcomes[res.status] ?? 0) + 1;
      if (res.status === 200) succeeded.add(`${org.id}:${id}`);
    } catch (error) {
      const k = `error:${(error as Error).name}`;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
      await sleep(50);
    }
  };
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    while (running) await oneCall();
  });

  const t0 = Date.now();
  const faults: Record<string, number> = {};
  try {
    if (process.env.FAULTS_DRY === '1') throw new Error('dry run: no faults');
    await sleep(4000);
    log('SIGKILL the audit worker');
    worker.kill('SIGKILL');
    await sleep(3000);
    worker = spawnWorker();
    await sleep(5000);
    log('restart Redis');
    faults.redisDowntimeMs = await restartRedis();
    await sleep(6000);
    log('restart PostgreSQL');
    faults.postgresDowntimeMs = await restartPostgres();
    await sleep(6000);
    log('SIGKILL the audit worker again, restart at once');
    worker.kill('SIGKILL');
    worker = spawnWorker();
    await sleep(5000);
  } catch (error) {
    log((error as Error).message);
    await sleep(3000);
  } finally {
    running = false;
    await Promise.all(lanes);
  }
  const trafficS = (Date.now() - t0) / 1000;
  log(`traffic stopped after ${trafficS.toFixed(1)} s: ${JSON.stringify(outcomes)}; waiting for the log to catch up`);

  const check = new Client({ connectionString: seed.databaseUrl });
  check.on('error', () => undefined);
  await check.connect();
  const drainStart = Date.now();
  let last = -1;
  for (;;) {
    const [{ missing }] = (await check.query(`SELECT $1::int - count(*) FILTER (WHERE event_id = ANY($2::text[])) AS missing FROM audit_log`, [succeeded.size, [...succeeded]])).rows;
    const [{ size }] = (await check.query(`SELECT size FROM audit_tree_state`)).rows;
    const [{ head }] = (await check.query(`SELECT coalesce(max(tree_size), -1) AS head FROM audit_tree_head`)).rows;
    if (Number(missing) === 0 && Number(head) === Number(size) && Number(size) === last) break;
    last = Number(size);
    if (Date.now() - drainStart > 120_000) break;
    await sleep(1500);
  }
  const result = await reconcile(check, succeeded);
  await check.end();
  console.log(JSON.stringify({ mode: DIRECT ? 'direct' : 'gateway', trafficS, outcomes, samples, faults, catchUpS: (Date.now() - drainStart) / 1000, ...result }, null, 2));

  await producer?.onApplicationShutdown();
  await Promise.all([stopProcess(worker), gateway && stopProcess(gateway), stopProcess(upstream)]);
  await seed.drop();
  await deleteKeysWithPrefix(REDIS_URL, prefix);
  if (!result.ok) {
    console.error('FAULT TEST FAILED');
    process.exit(1);
  }
  log('fault test passed');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
