import type { INestApplicationContext } from '@nestjs/common';
import { KeyInvalidations } from '@velvet/api-keys';
import { generateKeyMaterial } from '@velvet/api-keys';
import { createRedis } from '@velvet/queue';
import { createTestDatabase, testQueuePrefix, type TestDatabase } from '@velvet/testing';
import type IORedis from 'ioredis';
import OpenAI from 'openai';
import { Client } from 'pg';
import { startAuditWorker, waitFor } from './support/audit-worker';
import { type AppProcess, startGatewayProcess } from './support/app-process';
import { type LocalRedisCluster, startRedisCluster } from './support/redis-cluster';

/**
 * Two gateway processes and the audit worker on a local 3-master Redis Cluster (REDIS_CLUSTER_NODES),
 * over the real PostgreSQL: concurrent OpenAI SDK traffic spread over both gateways never overshoots
 * a spend cap or a requests/min limit, duplicate Idempotency-Keys are answered once, a revoked key
 * is refused by both, and every served premium call has exactly one usage record and one audit
 * record, reconciled call by call.
 */
describe('Redis Cluster: two gateways, one truth (e2e)', () => {
  let cluster: LocalRedisCluster;
  let database: TestDatabase;
  let pg: Client;
  let redis: IORedis;
  let worker: INestApplicationContext;
  const gateways: AppProcess[] = [];
  const prefix = testQueuePrefix();
  const served = new Set<string>();
  /** Completion id → call id of the first answers to idempotent calls. */
  const firstAnswers = new Map<string, string>();

  const CAP = 40_000n;
  const RPM = 8;

  const org = async (name: string) => {
    const { rows } = await pg.query(
      `INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id`,
      [name, `${name}-${prefix}`.toLowerCase()],
    );
    const id = rows[0].id as string;
    // Premium through an active contract, so the entitlement re-evaluations the worker runs after
    // each recorded spend keep it.
    const user = await pg.query(
      `INSERT INTO users (email, display_name, password_hash, role, organization_id) VALUES ($1, 'a', 'x', 'org_admin', $2) RETURNING id`,
      [`admin-${name.toLowerCase()}-${prefix}@example.com`, id],
    );
    await pg.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency, status, required_approvals, requested_by, review_round)
       VALUES ($1, 'premium', 1000000, 3, current_date - 1, current_date + 60, 'USD', 'active', 1, $2, 1)`,
      [id, user.rows[0].id],
    );
    await pg.query(
      `INSERT INTO organization_entitlements (organization_id, tier, unlocked_at) VALUES ($1, 'premium', now())`,
      [id],
    );
    const m = generateKeyMaterial();
    const key = await pg.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'k', $2, $3) RETURNING id`,
      [id, m.lookupId, m.secretHash],
    );
    return { id, apiKeyId: key.rows[0].id as string, key: m.key };
  };
  let capped: Awaited<ReturnType<typeof org>>;
  let throttled: Awaited<ReturnType<typeof org>>;
  let dupes: Awaited<ReturnType<typeof org>>;
  let revoked: Awaited<ReturnType<typeof org>>;

  beforeAll(async () => {
    cluster = startRedisCluster();
    database = await createTestDatabase();
    pg = new Client({ connectionString: database.adminUrl });
    await pg.connect();
    await pg.query(
      `INSERT INTO model_tiers (name, display_name, rank, gated) VALUES ('standard', 'Standard', 1, false), ('premium', 'Premium', 2, true)
       ON CONFLICT DO NOTHING`,
    );
    await pg.query(
      `INSERT INTO models (slug, display_name, tier, input_price_micros_per_mtok, output_price_micros_per_mtok, upstream, max_output_tokens)
       VALUES ('prem-cluster', 'prem-cluster', 'premium', 100000000, 200000000, '{"kind":"simulator"}', 64)`,
    );
    // The premium tier's rule: an active contract suffices.
    await pg.query(
      `INSERT INTO unlock_rules (tier, requires_contract, min_qualifying_spend_micros, requires_verified, requires_not_suspended, min_account_age_days)
       VALUES ('premium', true, 0, false, true, 0) ON CONFLICT (tier) DO NOTHING`,
    );
    capped = await org('Capped');
    throttled = await org('Throttled');
    dupes = await org('Dupes');
    revoked = await org('Revoked');
    await pg.query(
      `INSERT INTO rate_limits (organization_id, spend_cap_micros, reason) VALUES ($1, $2, 'test cap')`,
      [capped.id, CAP.toString()],
    );
    await pg.query(
      `INSERT INTO rate_limits (organization_id, requests_per_minute, reason) VALUES ($1, $2, 'test rpm')`,
      [throttled.id, RPM],
    );
    const env = {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_SHARDS: '16',
    };
    // One at a time: each compiles the sources, which a shared 2-core machine does slowly.
    gateways.push(await startGatewayProcess(env));
    gateways.push(await startGatewayProcess(env));
    worker = await startAuditWorker(database.url, prefix, { REDIS_CLUSTER_NODES: cluster.nodes });
    redis = createRedis(
      { url: 'redis://127.0.0.1:6379', clusterNodes: cluster.nodes },
      { keyPrefix: `${prefix}:` },
    );
  });

  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await worker?.close();
    redis?.disconnect();
    await pg?.end();
    await database?.drop();
    cluster?.stop();
  });

  const sdk = (i: number, key: string) =>
    new OpenAI({
      apiKey: key,
      baseURL: `${gateways[i % 2].url}/v1`,
      maxRetries: 0,
      timeout: 30_000,
    });
  /** One call through gateway `i % 2`: its call id when served, else the error. */
  const call = async (i: number, key: string, idempotencyKey?: string, text = 'hello there') => {
    try {
      const { data, response } = await sdk(i, key)
        .chat.completions.create(
          { model: 'prem-cluster', messages: [{ role: 'user', content: text }], max_tokens: 16 },
          idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : undefined,
        )
        .withResponse();
      // A replay is the stored answer of the first call: the first call's completion id is the
      // answer's identity; only first answers are calls of their own (usage, audit).
      if (response.headers.get('idempotent-replayed') === 'true') return `replay:${data.id}`;
      const id = response.headers.get('x-velvet-call-id') ?? '';
      served.add(id);
      if (idempotencyKey) firstAnswers.set(data.id, id);
      return id;
    } catch (e) {
      return e as InstanceType<typeof OpenAI.APIError>;
    }
  };
  /** What a call got, for assertion messages: its call id, or `status code message`. */
  const what = (o: string | InstanceType<typeof OpenAI.APIError>) =>
    typeof o === 'string' ? 'served' : `${o.status} ${o.code} ${o.message}`;
  const usageOf = async (orgId: string) =>
    (
      await pg.query(
        `SELECT request_id, cost_micros::bigint AS cost FROM usage_records WHERE organization_id = $1`,
        [orgId],
      )
    ).rows as { request_id: string; cost: string }[];
  const settled = (orgId: string, n: number) =>
    waitFor(
      `${n} usage rows`,
      async () => (await usageOf(orgId)).length >= n && usageOf(orgId),
      60_000,
    );

  it('spreads the organisations over hash-tag shards on more than one node', async () => {
    const nodes = (redis as unknown as { nodes(role: string): IORedis[] }).nodes('master');
    expect(nodes).toHaveLength(3);
    // Admissions ran on both gateways and created keys: they are tagged `{sK}`, never untagged.
    await call(0, dupes.key);
    const keys = (await Promise.all(nodes.map((n) => n.keys(`${prefix}:gw:*`)))).flat();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /\{s\d+\}/.test(k))).toBe(true);
  });

  it('never overshoots a spend cap under concurrent calls on both gateways', async () => {
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i, capped.key)));
    const ok = outcomes.filter((o): o is string => typeof o === 'string');
    const refused = outcomes.filter((o) => typeof o !== 'string') as InstanceType<
      typeof OpenAI.APIError
    >[];
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect([e.status, e.code]).toEqual([429, expect.any(String)]);
    for (const e of refused) expect(['insufficient_quota', 'spend_cap_held']).toContain(e.code);
    const rows = await settled(capped.id, ok.length);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ok].sort());
    expect(rows.reduce((s, r) => s + BigInt(r.cost), 0n)).toBeLessThanOrEqual(CAP);
  });

  it('never serves more than the requests/min limit across both gateways', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(i, throttled.key)),
    );
    const ok = outcomes.filter((o): o is string => typeof o === 'string');
    // concurrent calls: which of them are served is not ordered, how many is
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThanOrEqual(RPM);
    for (const e of outcomes.filter((o) => typeof o !== 'string'))
      expect([(e as InstanceType<typeof OpenAI.APIError>).code]).toEqual(['rate_limit_exceeded']);
    const rows = await settled(throttled.id, ok.length);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ok].sort());
  });

  it('answers duplicate Idempotency-Keys once, whichever gateway each copy reaches', async () => {
    const keys = Array.from({ length: 6 }, (_, k) => `dup-${k}`);
    const before = (await usageOf(dupes.id)).length;
    const outcomes = await Promise.all(
      keys.flatMap((k) => Array.from({ length: 4 }, (_, i) => call(i, dupes.key, k, `body ${k}`))),
    );
    const byKey = keys.map((_, k) => outcomes.slice(k * 4, k * 4 + 4));
    for (const copies of byKey) {
      const answers = copies.filter((o): o is string => typeof o === 'string');
      // one first answer per key; any other served copy is its replay
      const firsts = answers.filter((a) => !a.startsWith('replay:'));
      expect(firsts).toHaveLength(1);
      for (const a of answers.filter((x) => x.startsWith('replay:')))
        expect(firstAnswers.get(a.slice('replay:'.length))).toBe(firsts[0]);
      for (const o of copies.filter((x) => typeof x !== 'string')) {
        expect((o as InstanceType<typeof OpenAI.APIError>).status).toBe(409);
        expect((o as InstanceType<typeof OpenAI.APIError>).code).toBe('idempotency_key_in_use');
      }
    }
    // A retry of each, now the first finished: the stored answer, same call, nothing new billed.
    for (const [k, copies] of byKey.entries()) {
      const first = copies.find(
        (o): o is string => typeof o === 'string' && !o.startsWith('replay:'),
      )!;
      const again = await call(k + 1, dupes.key, keys[k], `body ${keys[k]}`);
      expect(firstAnswers.get(String(again).slice('replay:'.length))).toBe(first);
    }
    const rows = await settled(dupes.id, before + keys.length);
    expect(rows).toHaveLength(before + keys.length);
  });

  it('refuses a revoked key at both gateways', async () => {
    expect(what(await call(0, revoked.key))).toBe('served');
    expect(what(await call(1, revoked.key))).toBe('served');
    // As the portal does: the database first, then the announcement (pub/sub on the cluster).
    await pg.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [revoked.apiKeyId]);
    await new KeyInvalidations(redis).key(revoked.apiKeyId);
    // Each gateway drops the key when the announcement reaches it (milliseconds): once both have,
    // nothing gets through either of them.
    for (const g of [0, 1])
      await waitFor(
        `gateway ${g} to refuse the revoked key`,
        async () => (await call(g, revoked.key)) instanceof OpenAI.AuthenticationError,
        10_000,
      );
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i, revoked.key)));
    for (const o of outcomes) expect(o).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('audits every served premium call exactly once, call by call against the usage records', async () => {
    const ids = [...served].filter(Boolean);
    // Settlement is asynchronous (the usage stream): the last test's calls may still be on their way.
    const usageIds = async () =>
      (
        await pg.query(`SELECT request_id FROM usage_records WHERE request_id = ANY($1)`, [ids])
      ).rows.map((r) => r.request_id as string);
    // on a timeout the comparison below shows which calls are missing
    await waitFor(
      `${ids.length} usage records`,
      async () => (await usageIds()).length >= ids.length,
      60_000,
    ).catch(() => undefined);
    const usage = await usageIds();
    expect(usage.sort()).toEqual([...ids].sort());
    const audited = await waitFor(
      `${ids.length} audit records`,
      async () => {
        const { rows } = await pg.query(
          `SELECT event_id, count(*)::int AS n FROM audit_log WHERE kind = 'premium_call' GROUP BY event_id`,
        );
        return rows.length >= ids.length && (rows as { event_id: string; n: number }[]);
      },
      60_000,
    );
    expect(audited.map((r) => r.event_id).sort()).toEqual([...ids].sort());
    expect(audited.every((r) => r.n === 1)).toBe(true);
    // and the usage table holds nothing the gateways did not serve
    const all = (await pg.query(`SELECT request_id FROM usage_records`)).rows;
    expect(all.map((r) => r.request_id as string).sort()).toEqual([...ids].sort());
  });
});
