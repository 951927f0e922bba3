/**
 * `npm run test:faults`: premium traffic, plain and streamed, through the real gateway while the
 * faults strike: the audit worker SIGKILLed (twice), Redis restarted, Redis at maxmemory, the
 * gateway SIGKILLed (and restarted), PostgreSQL restarted. Then it reconciles call by call: every
 * call whose client received text has a usage record that charges it and an audit record; a
 * complete response is recorded as `succeeded` with the very text the client received; nothing the
 * client did not fully receive is recorded as `succeeded`. The Merkle tree and every signed tree
 * head must verify. The verdict also requires that every fault happened (downtimes > 0, OOM
 * refusals seen, kills done); a fault that could not be injected fails the test.
 *
 * It runs on its own Redis and PostgreSQL servers (free loopback ports, a temporary directory),
 * so it never disturbs the machine's shared servers or suites running beside it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { seedBench } from './bench/seed-bench';
import { ROOT, sleep, stopProcess } from './audit/audit-harness';
import { freePort, PrivatePostgres, PrivateRedis } from './audit/private-services';
import { type ClientCall, reconcileCalls } from './audit/reconcile-calls';
import { tempReceiptKeyFile } from './audit/receipt-key-file';
import { reconcile } from './audit/reconcile';

const CONCURRENCY = 12;
const log = (msg: string) =>
  console.log(`[faults ${new Date().toISOString().slice(11, 23)}] ${msg}`);
const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function node(
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

/**
 * A process as a supervisor runs it: one that exits unasked (a crash) is restarted a second later
 * and counted; `kill` SIGKILLs the running instance (waiting for a restart in progress).
 */
class Supervised {
  crashes = 0;
  kills = 0;
  private child: ChildProcess;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly launch: () => ChildProcess,
  ) {
    this.child = this.spawn();
  }

  private spawn(): ChildProcess {
    const child = this.launch();
    child.once('exit', (code, signal) => {
      if (this.stopped || (child as ChildProcess & { killedByTest?: boolean }).killedByTest) return;
      this.crashes++;
      log(`${this.name} exited by itself (${signal ?? code}); restarting it`);
      setTimeout(() => this.stopped || (this.child = this.spawn()), 1000);
    });
    return child;
  }

  async kill(restartAfterMs: number): Promise<void> {
    for (
      let i = 0;
      i < 100 && (this.child.exitCode !== null || this.child.signalCode !== null);
      i++
    )
      await sleep(100);
    const child = this.child as ChildProcess & { killedByTest?: boolean };
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${this.name} is not running, cannot kill it`);
    child.killedByTest = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
    if (restartAfterMs) await sleep(restartAfterMs);
    this.child = this.spawn();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await stopProcess(this.child);
  }
}

/** One call, as a client sees it: its id, status, the text it received, whether the whole response arrived. */
async function oneCall(
  url: string,
  key: string,
  model: string,
  i: number,
  stream: boolean,
): Promise<ClientCall> {
  const call: ClientCall = {
    callId: null,
    stream,
    status: 'error',
    text: '',
    complete: false,
    endedAt: 0,
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: `fault test call ${i}: summarise the report` }],
        max_tokens: 64,
        stream,
      }),
      signal: AbortSignal.timeout(20_000),
    });
    call.callId = res.headers.get('x-velvet-call-id');
    call.status = res.status;
    if (res.status !== 200) {
      await res.text();
      return call;
    }
    if (!stream) {
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      call.text = body.choices[0].message.content;
      call.complete = true;
      return call;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        // an event's data lines; comment lines (": ...", e.g. a premium stream's receipt) carry none
        const line = buffer
          .slice(0, cut)
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        buffer = buffer.slice(cut + 2);
        if (line === '') continue;
        if (line === '[DONE]') call.complete = true;
        else {
          const chunk = JSON.parse(line) as {
            error?: unknown;
            choices?: { delta?: { content?: string } }[];
          };
          if (chunk.error) return Object.assign(call, { ended: 'error_event' as const });
          call.text += chunk.choices?.[0]?.delta?.content ?? '';
        }
      }
    }
  } catch {
    // connection refused or cut (gateway killed, timeout): what arrived so far is what the client has
    if (call.status === 200) call.ended = 'cut';
  }
  return call;
}

/** The private servers, stopped and removed on every way out (a failure included). */
const servers: { stop(): Promise<void> }[] = [];

async function main() {
  const t00 = Date.now();
  const redis = await PrivateRedis.start();
  servers.push(redis);
  const pg = await PrivatePostgres.start();
  servers.push(pg);
  log(`private Redis on :${redis.port}, private PostgreSQL on :${pg.port}`);
  const prefix = `faults-${Date.now().toString(36)}`;
  const [upstreamPort, gatewayPort] = [await freePort(), await freePort()];
  node('dist/scripts/audit/fault-upstream.js', [String(upstreamPort)], {});
  const seed = await seedBench(pg.serverUrl, upstreamPort);
  const setup = new Client({ connectionString: seed.databaseUrl });
  await setup.connect();
  // The worker also runs the entitlement engine, which re-evaluates the seeded unlock: give the
  // premium tier a rule this organisation meets (verified, not suspended; no contract or spend needed).
  await setup.query(
    `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros) VALUES ('premium', false, 0)
     ON CONFLICT (tier) DO UPDATE SET requires_contract = false, min_qualifying_spend_micros = 0`,
  );
  await setup.end();

  const common = {
    NODE_ENV: 'test',
    DATABASE_URL: seed.databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'error',
  };
  const startGateway = () =>
    node(
      'dist/apps/gateway/src/main.js',
      [],
      {
        ...common,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_ORG_RPM: '100000000',
        GATEWAY_KEY_RPM: '100000000',
        GATEWAY_ORG_TPM: '100000000000',
      },
      ['--single-threaded-gc'],
    );
  // One log key (file, 0600) for every worker process, as deployed: a restarted worker with a key
  // of its own could not verify the head it kept in Redis, and the signer would rightly refuse.
  const signingKey = tempReceiptKeyFile('audit-signing-key');
  const startWorker = () =>
    node(
      'dist/apps/worker/src/main.js',
      [],
      {
        ...common,
        AUDIT_SIGNING_KEY_FILE: signingKey,
        AUDIT_TREE_HEAD_INTERVAL_MS: '500',
        AUDIT_INTAKE_CLAIM_IDLE_MS: '2000',
        USAGE_INGEST_CLAIM_IDLE_MS: '2000',
      },
      ['--max-semi-space-size=64'],
    );
  const gateway = new Supervised('gateway', startGateway);
  const worker = new Supervised('audit worker', startWorker);
  await waitHttp(`http://127.0.0.1:${gatewayPort}/health`);

  const url = `http://127.0.0.1:${gatewayPort}/v1/chat/completions`;
  const calls: ClientCall[] = [];
  let running = true;
  let n = 0;
  const lanes = Array.from({ length: CONCURRENCY }, async (_, lane) => {
    while (running) {
      const i = n++;
      const call = await oneCall(url, seed.key, seed.model, i, lane % 2 === 0);
      call.endedAt = Date.now();
      calls.push(call);
      if (call.status === 'error') await sleep(50);
    }
  });
  log(
    `driving premium calls (half streamed) through the gateway on :${gatewayPort}, ${CONCURRENCY} lanes`,
  );

  const faults = { redisDowntimeMs: 0, oomRefusedWrites: 0, postgresDowntimeMs: 0 };
  let injectionError: string | null = null;
  const gatewayKillTimes: number[] = [];
  const t0 = Date.now();
  try {
    await sleep(3000);
    log('SIGKILL the audit worker');
    await worker.kill(2000);
    await sleep(3000);
    log('restart Redis');
    faults.redisDowntimeMs = await redis.restart();
    await sleep(4000);
    log('Redis at maxmemory for 3 s');
    faults.oomRefusedWrites = await redis.starve(3000);
    await sleep(3000);
    // The verdict needs a stream cut after some of its text. A kill can find every stream in flight
    // before its first words (the upstream's first event carries none, and the next comes 25 ms
    // later): such a kill is repeated, at most three times in all.
    for (let kill = 0; kill < 3; kill++) {
      log('SIGKILL the gateway (mid-stream), restart it');
      gatewayKillTimes.push(Date.now());
      await gateway.kill(500);
      await waitHttp(`http://127.0.0.1:${gatewayPort}/health`);
      await sleep(3000);
      if (calls.some((c) => c.stream && c.ended === 'cut' && c.text)) break;
    }
    log('restart PostgreSQL');
    faults.postgresDowntimeMs = await pg.restart();
    await sleep(3000);
    log('SIGKILL the audit worker again, restart at once');
    await worker.kill(0);
    await sleep(3000);
  } catch (error) {
    injectionError = (error as Error).message;
    log(`fault injection failed: ${injectionError}`);
  } finally {
    running = false;
    await Promise.all(lanes);
  }
  const trafficS = (Date.now() - t0) / 1000;
  const outcomes: Record<string, number> = {};
  for (const c of calls) {
    const k = `${c.stream ? 'stream' : 'plain'}:${c.status}${c.status === 200 && !c.complete ? ':cut' : ''}`;
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  log(
    `traffic stopped after ${trafficS.toFixed(1)} s: ${JSON.stringify(outcomes)}; waiting for the records to catch up`,
  );

  // Caught up: no started call left in Redis (the dead gateway's reaped), every call with text recorded, the tree head current.
  const check = new Client({ connectionString: seed.databaseUrl });
  check.on('error', () => undefined);
  await check.connect();
  const probe = new IORedis(redis.url);
  const withText = new Set(
    calls.filter((c) => c.callId && (c.text || c.complete)).map((c) => c.callId!),
  );
  const drainStart = Date.now();
  let last = -1;
  for (;;) {
    const open = await probe.zcard(`${prefix}:gw:calls`);
    const [{ missing }] = (
      await check.query(
        `SELECT $1::int - (SELECT count(*) FROM audit_log WHERE event_id = ANY($2::text[])) AS missing`,
        [withText.size, [...withText]],
      )
    ).rows;
    const [{ unbilled }] = (
      await check.query(
        `SELECT $1::int - (SELECT count(*) FROM usage_records WHERE request_id = ANY($2::text[])) AS unbilled`,
        [withText.size, [...withText]],
      )
    ).rows;
    const [{ size }] = (await check.query(`SELECT size FROM audit_tree_state`)).rows;
    const [{ head }] = (
      await check.query(`SELECT coalesce(max(tree_size), -1) AS head FROM audit_tree_head`)
    ).rows;
    if (
      open === 0 &&
      Number(missing) === 0 &&
      Number(unbilled) === 0 &&
      Number(head) === Number(size) &&
      Number(size) === last
    )
      break;
    last = Number(size);
    if (Date.now() - drainStart > 90_000) break;
    await sleep(1000);
  }
  const openCalls = await probe.zcard(`${prefix}:gw:calls`);
  probe.disconnect();
  const perCall = await reconcileCalls(check, calls, gatewayKillTimes);
  const tree = await reconcile(check, withText);
  await check.end();

  const kills = {
    workerKills: worker.kills,
    gatewayKills: gateway.kills,
    workerCrashes: worker.crashes,
    gatewayCrashes: gateway.crashes,
  };
  const faultsHappened =
    worker.kills === 2 &&
    faults.redisDowntimeMs > 0 &&
    faults.oomRefusedWrites > 0 &&
    gateway.kills > 0 &&
    gateway.kills === gatewayKillTimes.length &&
    faults.postgresDowntimeMs > 0;
  const verdict = {
    mode: 'gateway',
    trafficS,
    outcomes,
    faults: { ...faults, ...kills },
    faultsHappened,
    injectionError,
    openCallsLeft: openCalls,
    catchUpS: (Date.now() - drainStart) / 1000,
    perCall: {
      ...perCall,
      unbilled: perCall.unbilled.slice(0, 10),
      unaudited: perCall.unaudited.slice(0, 10),
    },
    tree: { ...tree, missing: tree.missing },
    wallS: (Date.now() - t00) / 1000,
  };
  console.log(JSON.stringify(verdict, null, 2));
  // At most the calls in flight at a kill can fall in its window (reconcile-calls.ts, recordedAtKill).
  const ok =
    faultsHappened &&
    !injectionError &&
    openCalls === 0 &&
    perCall.ok &&
    perCall.partial > 0 &&
    perCall.recordedAtKill.length <= CONCURRENCY * gatewayKillTimes.length &&
    tree.ok;

  await Promise.all([worker.stop(), gateway.stop()]);
  for (const c of children) c.kill('SIGKILL');
  await seed.drop().catch(() => undefined);
  await Promise.all(servers.splice(0).map((x) => x.stop()));
  if (!ok) {
    console.error('FAULT TEST FAILED');
    process.exit(1);
  }
  log('fault test passed');
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(servers.splice(0).map((x) => x.stop().catch(() => undefined)));
    process.exit(1);
  },
);
