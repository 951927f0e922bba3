/**
 * How fast does an entitlement change reach a gateway? Crosses a spend threshold (as the gateway
 * does: record usage, then `requestEvaluation`) and suspends an organisation (as security does),
 * and times until an EntitlementCache in ANOTHER PROCESS (own DB pool, own Redis connections)
 * answers differently. Uses a throwaway database and queue prefix; prints JSON and a table.
 *
 *   npm run bench:entitlements            (ITERATIONS=30 by default; needs PostgreSQL + Redis)
 */
import { Global, Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { AdminActivityLog, type AdminAction } from '@velvet/common';
import { dataSourceOptions, dropDatabase, ensureDatabase, migrate } from '@velvet/database';
import {
  EntitlementCache,
  EntitlementsScheduler,
  EntitlementsWorkerModule,
  SuspensionsService,
} from '@velvet/entitlements';
import { deleteKeysWithPrefix, QueueModule } from '@velvet/queue';
import { DataSource } from 'typeorm';
import { generateKeyMaterial } from '@velvet/api-keys';
import {
  callUntil,
  startGatewayProcess,
  type RunningGateway,
} from './bench/entitlement-gateway-probe';
import { seedCatalog } from './seed/seed-catalog';
import { ContractFactsModule, ContractsModule } from '@velvet/contracts';
import { measureContractEnds } from './bench/contract-end-propagation';

const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ITERATIONS = Number(process.env.ITERATIONS ?? 30);
const GATEWAY_ITERATIONS = Number(process.env.GATEWAY_ITERATIONS ?? 10);
const POLL_MS = 2;
const now = () => performance.timeOrigin + performance.now();

/** The bench needs no audit trail; actions are kept in memory. */
@Injectable()
class MemoryActivityLog extends AdminActivityLog {
  readonly actions: AdminAction[] = [];
  async record(action: AdminAction): Promise<void> {
    this.actions.push(action);
  }
}
@Global()
@Module({
  providers: [{ provide: AdminActivityLog, useClass: MemoryActivityLog }],
  exports: [AdminActivityLog],
})
class MemoryActivityLogModule {}

const base = (url: string, prefix: string) => [
  TypeOrmModule.forRoot(dataSourceOptions({ url, poolSize: 4, applicationName: 'velvet-bench' })),
  QueueModule.forRoot({ redisUrl: REDIS_URL, prefix }),
];

/** Child: a gateway stand-in. Polls its cache for one model and reports when the answer flips. */
async function probe(): Promise<void> {
  const [url, prefix] = [process.env.BENCH_DB!, process.env.BENCH_PREFIX!];
  @Module({ imports: base(url, prefix), providers: [EntitlementCache] })
  class ProbeModule {}
  const app = await NestFactory.createApplicationContext(ProbeModule, { logger: ['error'] });
  await app.init();
  const cache = app.get(EntitlementCache);
  process.on('message', async (msg: { orgId: string; modelId: string; want: boolean } | 'exit') => {
    if (msg === 'exit') return void app.close().then(() => process.exit(0));
    await cache.invokableModelIds(msg.orgId); // warm: the gateway's cache is warm too
    process.send!({ ready: true });
    for (;;) {
      if ((await cache.invokableModelIds(msg.orgId)).has(msg.modelId) === msg.want)
        return void process.send!({ seenAt: now() });
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  });
  process.send!({ up: true });
}

function ask(child: ChildProcess, msg: object): { ready: Promise<void>; seen: Promise<number> } {
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const seen = new Promise<number>((resolve) => {
    const onMessage = (m: { ready?: boolean; seenAt?: number }) => {
      if (m.ready) readyResolve();
      if (m.seenAt !== undefined) {
        child.off('message', onMessage);
        resolve(m.seenAt);
      }
    };
    child.on('message', onMessage);
  });
  child.send(msg);
  return { ready, seen };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return {
    n: s.length,
    p50: +q(0.5).toFixed(1),
    p95: +q(0.95).toFixed(1),
    max: +s[s.length - 1].toFixed(1),
    min: +s[0].toFixed(1),
  };
};

const ratio = (xs: number[], baseline: number[]) =>
  +(stats(xs).p50 / stats(baseline).p50).toFixed(2);

async function main(): Promise<void> {
  const name = `velvet_bench_ent_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  const prefix = `bench-ent-${randomBytes(3).toString('hex')}`;
  await ensureDatabase(url);
  await migrate(url);
  let worker: INestApplicationContext | undefined;
  let child: ChildProcess | undefined;
  let gateway: RunningGateway | undefined;
  try {
    @Module({
      imports: [
        ...base(url, prefix),
        MemoryActivityLogModule,
        EntitlementsWorkerModule,
        ContractFactsModule,
        ContractsModule,
      ],
    })
    class BenchWorkerModule {}
    worker = await NestFactory.createApplicationContext(BenchWorkerModule, { logger: ['error'] });
    await worker.init();
    const db = worker.get(DataSource);
    await seedCatalog(db);
    const [org] = await db.query(
      `INSERT INTO organizations (name, slug, verified) VALUES ('Bench Org', $1, true) RETURNING id`,
      [name],
    );
    const [user] = await db.query(
      `INSERT INTO users (email, display_name, password_hash, role, organization_id) VALUES ($1, 'b', 'x', 'org_admin', $2) RETURNING id`,
      [`${name}@bench.example`, org.id],
    );
    const [key] = await db.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'bench', $2, 'x') RETURNING id`,
      [org.id, randomBytes(6).toString('hex')],
    );
    await db.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency, status, requested_by)
       VALUES ($1, 'premium', 50000000000, 3, current_date - 1, current_date + 365, 'USD', 'active', $2)`,
      [org.id, user.id],
    );
    const models: { id: string; slug: string }[] = await db.query(`SELECT id, slug FROM models`);
    const pro = models.find((m) => m.slug === 'velvet-pro-1')!.id;
    const lite = models.find((m) => m.slug === 'velvet-lite-1')!.id;
    const scheduler = worker.get(EntitlementsScheduler);
    const suspensions = worker.get(SuspensionsService);

    child = fork(__filename, ['--probe'], {
      env: { ...process.env, BENCH_DB: url, BENCH_PREFIX: prefix },
      stdio: 'inherit',
    });
    await new Promise<void>((r) => child!.once('message', () => r()));

    const unlock: number[] = [];
    const suspend: number[] = [];
    const spendRow = async (micros: bigint) =>
      db.query(
        `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens, cost_micros, currency, latency_ms, status, occurred_at)
         VALUES ($1, $2, $3, $4, 'standard', 1, 1, $5, 'USD', 1, 'succeeded', now())`,
        [randomUUID(), org.id, key.id, lite, micros.toString()],
      );
    for (let i = 0; i < ITERATIONS; i++) {
      // below the 10,000 USD threshold, locked
      await db.query(`DELETE FROM usage_records WHERE organization_id = $1`, [org.id]);
      await spendRow(9_999_999_999n);
      await scheduler.requestEvaluation(org.id, 'bench reset');
      await ask(child, { orgId: org.id, modelId: pro, want: false }).seen;

      // 1. the call that crosses the threshold, recorded as the gateway does
      const crossing = ask(child, { orgId: org.id, modelId: pro, want: true });
      await crossing.ready;
      const t0 = now();
      await spendRow(1n);
      await scheduler.requestEvaluation(org.id, 'usage_recorded');
      unlock.push((await crossing.seen) - t0);

      // 2. security suspends
      const denial = ask(child, { orgId: org.id, modelId: pro, want: false });
      await denial.ready;
      const t1 = now();
      await suspensions.suspend(org.id, null, 'bench');
      suspend.push((await denial.seen) - t1);
      await suspensions.restore(org.id, null, 'bench');
    }
    // the same through the real gateway (a child process): when does a premium call start / stop succeeding?
    const material = generateKeyMaterial();
    await db.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'bench-gw', $2, $3)`,
      [org.id, material.lookupId, material.secretHash],
    );
    gateway = await startGatewayProcess(url, prefix, REDIS_URL);
    const gwUnlock: number[] = [];
    const gwSuspend: number[] = [];
    for (let i = 0; i < GATEWAY_ITERATIONS; i++) {
      await db.query(`DELETE FROM usage_records WHERE organization_id = $1`, [org.id]);
      await spendRow(9_999_999_999n);
      await scheduler.requestEvaluation(org.id, 'bench reset');
      await callUntil(gateway.url, material.key, 'velvet-pro-1', false);
      const t0 = now();
      await spendRow(1n);
      await scheduler.requestEvaluation(org.id, 'usage_recorded');
      gwUnlock.push((await callUntil(gateway.url, material.key, 'velvet-pro-1', true)) - t0);
      const t1 = now();
      await suspensions.suspend(org.id, null, 'bench');
      gwSuspend.push((await callUntil(gateway.url, material.key, 'velvet-pro-1', false)) - t1);
      await suspensions.restore(org.id, null, 'bench');
    }
    // the bench's own contract ends first (one binding contract per tier and day)
    await db.query(`UPDATE contracts SET status = 'terminated' WHERE organization_id = $1`, [
      org.id,
    ]);
    const ends = await measureContractEnds(
      worker,
      gateway.url,
      material.key,
      org.id,
      GATEWAY_ITERATIONS,
    );
    const result = {
      iterations: ITERATIONS,
      thresholdCrossingToCacheMs: stats(unlock),
      suspensionToCacheMs: stats(suspend),
      gatewayIterations: GATEWAY_ITERATIONS,
      thresholdCrossingToGatewayAllowsMs: stats(gwUnlock),
      suspensionToGatewayDeniesMs: stats(gwSuspend),
      terminationToGatewayDeniesMs: stats(ends.terminationToGatewayDeniesMs),
      expiryToGatewayDeniesMs: stats(ends.expiryToGatewayDeniesMs),
      /** The baseline is the suspension: a contract end should be as fast (ratio ~1, p50 < 50 ms). */
      terminationVsSuspensionP50: ratio(ends.terminationToGatewayDeniesMs, gwSuspend),
      expiryVsSuspensionP50: ratio(ends.expiryToGatewayDeniesMs, gwSuspend),
      notes: `evaluation job delay 150 ms (dedup window) included in threshold crossing; cache probe polls every ${POLL_MS} ms; gateway probe calls back to back`,
    };
    console.log(JSON.stringify(result, null, 2));
    const all = [
      result.thresholdCrossingToCacheMs,
      result.suspensionToCacheMs,
      result.thresholdCrossingToGatewayAllowsMs,
      result.suspensionToGatewayDeniesMs,
      result.terminationToGatewayDeniesMs,
      result.expiryToGatewayDeniesMs,
    ];
    const ok = all.every((r) => r.max < 1000);
    console.log(
      ok
        ? 'OK: every change reached the other process within 1 s'
        : 'SLOW: some change took 1 s or more',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    child?.send('exit');
    await gateway?.stop();
    await worker?.close();
    await dropDatabase(url).catch(() => undefined);
    await deleteKeysWithPrefix(REDIS_URL, prefix);
  }
}

if (process.argv.includes('--probe')) {
  probe().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
