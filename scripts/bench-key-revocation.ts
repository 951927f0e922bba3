/**
 * How fast does revoking an API key (or disabling its organisation) reach the gateways? Starts
 * two real gateway processes on one throwaway database and queue prefix, revokes keys the way the
 * portal does (ApiKeysService.revoke: commit, then a Redis pub/sub announcement) and times until
 * each gateway refuses the key, for a busy key (called back to back across the revocation), an
 * idle key (last used 2 s before), a revocation whose announcement is lost (database only), and a
 * disabled organisation. Prints JSON; exits 1 if any gateway refused 1 s or more after the change
 * started, or served a call that started 1 s or more after it returned.
 *
 *   npm run bench:revocation            (ITERATIONS=10 by default; needs PostgreSQL + Redis)
 */
import { Global, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { defineAbilityFor, Role } from '@velvet/access';
import {
  API_KEY_ENTITIES,
  ApiKeysModule,
  ApiKeysService,
  generateKeyMaterial,
  KeyInvalidations,
} from '@velvet/api-keys';
import { AdminActivityLog } from '@velvet/common';
import { dataSourceOptions, dropDatabase, ensureDatabase, migrate } from '@velvet/database';
import { deleteKeysWithPrefix, QueueModule } from '@velvet/queue';
import { DataSource } from 'typeorm';
import { startGatewayProcess, type RunningGateway } from './bench/entitlement-gateway-probe';
import { seedCatalog } from './seed/seed-catalog';

const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ITERATIONS = Number(process.env.ITERATIONS ?? 10);
const IDLE_MS = 2000;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

@Injectable()
class NoActivityLog extends AdminActivityLog {
  async record(): Promise<void> {}
}
@Global()
@Module({
  providers: [{ provide: AdminActivityLog, useClass: NoActivityLog }],
  exports: [AdminActivityLog],
})
class NoActivityLogModule {}

/** One call; its status and when it started and ended. */
async function callOnce(
  url: string,
  key: string,
): Promise<{ status: number; startedAt: number; at: number }> {
  const startedAt = now();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'velvet-lite-1',
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 4,
    }),
  });
  await res.arrayBuffer();
  return { status: res.status, startedAt, at: now() };
}

/** Calls back to back until the gateway refuses with `status`; the refusal time and the calls served that started after `since()`. */
async function until(
  url: string,
  key: string,
  status: number,
  since: () => number,
): Promise<{ at: number; servedAfter: number; lastServedMs: number }> {
  let servedAfter = 0;
  let lastServedMs = 0;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await callOnce(url, key);
    if (r.status === status) return { at: r.at, servedAfter, lastServedMs };
    if (r.status !== 200) throw new Error(`gateway answered ${r.status}`);
    if (r.startedAt > since()) {
      servedAfter++;
      lastServedMs = Math.max(lastServedMs, r.startedAt - since());
    }
    if (Date.now() > deadline) throw new Error(`no ${status} within 10 s`);
  }
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

async function main(): Promise<void> {
  const name = `velvet_bench_rev_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const url = `${SERVER}/${name}`;
  const prefix = `bench-rev-${randomBytes(3).toString('hex')}`;
  await ensureDatabase(url);
  await migrate(url);
  const gateways: RunningGateway[] = [];
  @Module({
    imports: [
      TypeOrmModule.forRoot(
        dataSourceOptions({ url, poolSize: 4, applicationName: 'velvet-bench' }),
      ),
      TypeOrmModule.forFeature(API_KEY_ENTITIES),
      QueueModule.forRoot({ redisUrl: REDIS_URL, prefix }),
      NoActivityLogModule,
      ApiKeysModule,
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  try {
    const db = app.get(DataSource);
    const keys = app.get(ApiKeysService);
    const invalidations = app.get(KeyInvalidations);
    await seedCatalog(db);
    const [org] = await db.query(
      `INSERT INTO organizations (name, slug) VALUES ('Bench Org', $1) RETURNING id`,
      [name],
    );
    const ability = defineAbilityFor({
      kind: 'user',
      userId: '00000000-0000-0000-0000-000000000000',
      role: Role.OrgAdmin,
      organizationId: org.id,
    });
    gateways.push(
      await startGatewayProcess(url, prefix, REDIS_URL),
      await startGatewayProcess(url, prefix, REDIS_URL),
    );
    const newKey = async () => {
      const m = generateKeyMaterial();
      const [row] = await db.query(
        `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'bench', $2, $3) RETURNING id`,
        [org.id, m.lookupId, m.secretHash],
      );
      for (const g of gateways)
        if ((await callOnce(g.url, m.key)).status !== 200)
          throw new Error('a fresh key was refused');
      return { id: row.id as string, key: m.key };
    };
    const cases: Record<
      string,
      { ms: number[]; afterReturn: number[]; servedAfter: number; lastServedMs: number }
    > = {};
    /** Revokes with `act` while each gateway is called back to back; time from `act`'s start to each gateway's first refusal. */
    const measure = async (
      label: string,
      status: number,
      key: string,
      act: () => Promise<void>,
      busy: boolean,
    ) => {
      const c = (cases[label] ??= { ms: [], afterReturn: [], servedAfter: 0, lastServedMs: 0 });
      let returnedAt = Infinity;
      let t0 = 0;
      const probes = () => gateways.map((g) => until(g.url, key, status, () => returnedAt));
      const running = busy ? probes() : null;
      if (busy) await sleep(50); // the loops are hot before the change
      t0 = now();
      await act();
      returnedAt = now();
      const results = await (running ? Promise.all(running) : Promise.all(probes()));
      for (const r of results) {
        c.ms.push(r.at - t0);
        c.afterReturn.push(Math.max(0, r.at - returnedAt));
        c.servedAfter += r.servedAfter;
        c.lastServedMs = Math.max(c.lastServedMs, r.lastServedMs);
      }
    };
    for (let i = 0; i < ITERATIONS; i++) {
      let k = await newKey();
      await measure(
        'busyKeyRevoked',
        401,
        k.key,
        async () => void (await keys.revoke(ability, org.id, k.id)),
        true,
      );
      k = await newKey();
      await sleep(IDLE_MS);
      await measure(
        'idleKeyRevoked',
        401,
        k.key,
        async () => void (await keys.revoke(ability, org.id, k.id)),
        false,
      );
      k = await newKey();
      await measure(
        'revokedWithoutAnnouncement',
        401,
        k.key,
        async () =>
          void (await db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [k.id])),
        true,
      );
      k = await newKey();
      await measure(
        'organisationDisabled',
        403,
        k.key,
        async () => {
          await db.query(`UPDATE organizations SET status = 'disabled' WHERE id = $1`, [org.id]);
          await invalidations.organization(org.id);
        },
        true,
      );
      await db.query(`UPDATE organizations SET status = 'active' WHERE id = $1`, [org.id]);
      await invalidations.organization(org.id);
    }
    const result = Object.fromEntries(
      Object.entries(cases).map(([label, c]) => [
        label,
        {
          fromStartMs: stats(c.ms),
          fromReturnMs: stats(c.afterReturn),
          callsServedThatStartedAfterTheChange: c.servedAfter,
          latestServedCallStartAfterReturnMs: +c.lastServedMs.toFixed(1),
        },
      ]),
    );
    console.log(
      JSON.stringify(
        {
          iterations: ITERATIONS,
          gateways: gateways.length,
          idleMs: IDLE_MS,
          changeToRefusal: result,
          notes:
            'per gateway process: time from the start of the change (revoke / UPDATE / disable), and from its return (0 if refused before it returned), to the first refusal; busy = called back to back across the change',
        },
        null,
        2,
      ),
    );
    const ok = Object.values(result).every(
      (r) => r.fromStartMs.max < 1000 && r.latestServedCallStartAfterReturnMs < 1000,
    );
    console.log(
      ok
        ? 'OK: every revocation and disablement reached every gateway within 1 s'
        : 'SLOW: a change took 1 s or more to reach a gateway',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const g of gateways) await g.stop();
    await app.close();
    await dropDatabase(url).catch(() => undefined);
    await deleteKeysWithPrefix(REDIS_URL, prefix);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
