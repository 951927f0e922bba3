import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { LimitsService } from '@velvet/metering';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadGatewayEnv } from '../apps/gateway/src/env';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { waitFor } from './support/audit-worker';
import { bearer, type Session, signUp } from './support/http';
import { type RunningPortal, startPortal } from './support/portal';

type APIError = InstanceType<typeof OpenAI.APIError>;
interface Gateway {
  app: NestFastifyApplication;
  url: string;
}

/** A gateway process over the portal's database and Redis prefix, as in production. */
async function startGatewayBeside(portal: RunningPortal): Promise<Gateway> {
  const env = loadGatewayEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_PORT: '0',
    DATABASE_URL: portal.env.DATABASE_URL,
    QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
    GATEWAY_INGEST_USAGE: 'true', // no worker runs here
  });
  const app = await createGatewayApp(env, {});
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

const messages = [{ role: 'user' as const, content: 'how far may I go?' }];
let n = 0;

describe('teams, customer limits and key settings: set by the org admin, enforced by the gateway', () => {
  let portal: RunningPortal;
  let db: DataSource;
  let gateways: Gateway[] = [];

  beforeAll(async () => {
    portal = await startPortal();
    db = portal.app.get<DataSource>(getDataSourceToken());
    await seedCatalog(db);
    gateways = [await startGatewayBeside(portal), await startGatewayBeside(portal)];
  });
  afterAll(async () => {
    for (const g of gateways) await g.app.close();
    await portal?.close();
  });

  const api = (admin: Session) => ({
    post: (path: string, body: object) =>
      request(portal.url)
        .post(`/organizations/${admin.organizationId}${path}`)
        .set(bearer(admin))
        .send(body),
    put: (path: string, body: object) =>
      request(portal.url)
        .put(`/organizations/${admin.organizationId}${path}`)
        .set(bearer(admin))
        .send(body),
    patch: (path: string, body: object) =>
      request(portal.url)
        .patch(`/organizations/${admin.organizationId}${path}`)
        .set(bearer(admin))
        .send(body),
    get: (path: string) =>
      request(portal.url).get(`/organizations/${admin.organizationId}${path}`).set(bearer(admin)),
    delete: (path: string) =>
      request(portal.url)
        .delete(`/organizations/${admin.organizationId}${path}`)
        .set(bearer(admin)),
  });
  const newOrg = () => signUp(portal, `Limits ${++n}`, `limits-${n}-${Date.now()}@example.com`);
  const newTeam = async (admin: Session, name = `team ${++n}`) =>
    (await api(admin).post('/teams', { name }).expect(201)).body as { id: string };
  const newKey = async (admin: Session, settings: object = {}) => {
    const res = await api(admin)
      .post('/api-keys', { name: `key ${++n}`, ...settings })
      .expect(201);
    return res.body as { id: string; key: string; teamId: string | null };
  };
  const sdk = (key: string, g = gateways[0]) =>
    new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0, timeout: 10_000 });
  const call = (key: string, g = gateways[0], body: object = {}) =>
    sdk(key, g).chat.completions.create({ model: 'velvet-lite-1', messages, ...body });
  /** Until every gateway's snapshot holds what the portal wrote (it is announced, then read again). */
  const applied = async (check: (l: LimitsService) => boolean) => {
    for (;;) {
      if (gateways.every((g) => check(g.app.get(LimitsService)))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const modelId = async (slug: string) =>
    ((await db.query(`SELECT id FROM models WHERE slug = $1`, [slug])) as { id: string }[])[0].id;

  it('lets the org admin manage teams, and refuses a duplicate, a bad name and a foreign team', async () => {
    const admin = await newOrg();
    const other = await newOrg();
    const team = await newTeam(admin, 'Support');
    await api(admin).post('/teams', { name: 'Support' }).expect(409);
    await api(admin).post('/teams', { name: 'bad\u0000name' }).expect(400);
    await api(admin).post('/teams', { name: '' }).expect(400);
    const foreign = await newTeam(other);
    // a key may not join another organisation's team; the org admin of the other cannot see ours
    await api(admin).post('/api-keys', { name: 'x', teamId: foreign.id }).expect(404);
    await api(other).patch(`/teams/${team.id}`, { name: 'mine' }).expect(404);
    const key = await newKey(admin, { teamId: team.id });
    expect(key.teamId).toBe(team.id);
    await api(admin).patch(`/teams/${team.id}`, { name: 'Support tooling' }).expect(200);
    const list = (await api(admin).get('/teams').expect(200)).body as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['Support tooling']);
    // deleting the team keeps its keys, without a team
    await api(admin).delete(`/teams/${team.id}`).expect(204);
    const keys = (await api(admin).get('/api-keys').expect(200)).body as {
      id: string;
      teamId: string | null;
    }[];
    expect(keys.find((k) => k.id === key.id)?.teamId).toBeNull();
  });

  it('refuses limits above what the provider allows, and team or key limits above the organisation’s', async () => {
    const admin = await newOrg();
    const team = await newTeam(admin);
    await portal.app.get(LimitsService).setOverride({
      organizationId: admin.organizationId!,
      requestsPerMinute: 100,
      spendCapMicros: 1_000_000n,
      reason: 'contract ceiling',
      actorUserId: null,
    });
    const above = await api(admin).put('/limits/organization', { requestsPerMinute: 101 });
    expect(above.status).toBe(422);
    expect(above.body.code).toBe('limit_above_entitlement');
    expect(above.body.message).toContain('requestsPerMinute 101');
    const cap = await api(admin).put('/limits/organization', { spendCapMicros: '1000001' });
    expect(cap.body.code).toBe('limit_above_entitlement');
    await api(admin).put('/limits/organization', { requestsPerMinute: 50 }).expect(200);
    const teamAbove = await api(admin).put(`/limits/teams/${team.id}`, { requestsPerMinute: 51 });
    expect(teamAbove.status).toBe(422);
    expect(teamAbove.body.message).toContain("organisation's own limit");
    for (const bad of [
      { requestsPerMinute: -1 },
      { requestsPerMinute: 1.5 },
      { tokensPerMinute: '9' },
      { spendCapMicros: '-5' },
      { spendCapMicros: '99999999999999999999' },
    ])
      await api(admin).put('/limits/organization', bad).expect(400);
    await api(admin)
      .put(`/limits/teams/00000000-0000-4000-8000-000000000000`, { requestsPerMinute: 1 })
      .expect(404);
    const overview = (await api(admin).get('/limits').expect(200)).body;
    expect(overview.organization.requestsPerMinute).toBe(50);
    expect(overview.ceiling).toEqual({
      requestsPerMinute: 100,
      tokensPerMinute: null,
      spendCapMicros: '1000000',
    });
  });

  it('refuses at the team level once the team’s keys together reach its limit, naming the team, on both gateways at once', async () => {
    const admin = await newOrg();
    const team = await newTeam(admin);
    const [a, b] = [
      await newKey(admin, { teamId: team.id }),
      await newKey(admin, { teamId: team.id }),
    ];
    const loner = await newKey(admin);
    await api(admin).put(`/limits/teams/${team.id}`, { requestsPerMinute: 5 }).expect(200);
    await applied(
      (l) =>
        l.snapshot(admin.organizationId!, a.id, team.id).customer?.team?.requestsPerMinute === 5,
    );
    // 20 concurrent calls over two keys and two gateway processes: exactly the team's 5 get through
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i % 2 ? a.key : b.key, gateways[i % 2]).then(
          () => 'served',
          (e: APIError) => e,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'served')).toHaveLength(5);
    for (const e of outcomes.filter((o): o is APIError => o !== 'served')) {
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.code).toBe('rate_limit_exceeded');
      expect(e.message).toContain('Rate limit reached for the team: 5 requests per minute');
    }
    // a key outside the team is not held back by it
    await expect(call(loner.key)).resolves.toBeDefined();
    // the 15 refusals reach the organisation's usage analytics, by key and reason (flushed every few seconds)
    const refusals = async () =>
      (
        await db.query(
          `SELECT api_key_id, reason, sum(refusals)::int AS n FROM usage_refusals_hourly
            WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1`,
          [admin.organizationId],
        )
      ).map((r: { api_key_id: string; reason: string; n: number }) => [
        r.api_key_id,
        r.reason,
        r.n,
      ]);
    const deadline = Date.now() + 30_000;
    let seen = await refusals();
    while (
      seen.reduce((t: number, r: unknown[]) => t + (r[2] as number), 0) < 15 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 250));
      seen = await refusals();
    }
    expect(seen).toEqual(
      [a.id, b.id]
        .sort()
        .map((id) => [
          id,
          'rate_limit_exceeded',
          outcomes.filter((o, i) => o !== 'served' && (i % 2 ? a.id : b.id) === id).length,
        ]),
    );
  });

  it('enforces the organisation, then the team, then the key: the first limit hit is named', async () => {
    const admin = await newOrg();
    const team = await newTeam(admin);
    const key = await newKey(admin, { teamId: team.id });
    await api(admin).put('/limits/organization', { tokensPerMinute: 3_000 }).expect(200);
    await api(admin).put(`/limits/teams/${team.id}`, { tokensPerMinute: 500 }).expect(200);
    await api(admin).put(`/limits/api-keys/${key.id}`, { tokensPerMinute: 300 }).expect(200);
    await applied(
      (l) =>
        l.snapshot(admin.organizationId!, key.id, team.id).customer?.apiKey?.tokensPerMinute ===
        300,
    );
    const tooLarge = (max: number) =>
      call(key.key, gateways[0], { max_tokens: max }).catch((e: APIError) => e);
    // above the organisation's: named as the organisation's, though team and key are lower too
    const org = (await tooLarge(4_000)) as APIError;
    expect(org.code).toBe('request_too_large');
    expect(org.message).toContain("organisation's limit of 3000 tokens");
    const t = (await tooLarge(1_000)) as APIError;
    expect(t.message).toContain("team's limit of 500 tokens");
    const k = (await tooLarge(400)) as APIError;
    expect(k.message).toContain("API key's limit of 300 tokens");
    await expect(call(key.key, gateways[0], { max_tokens: 50 })).resolves.toBeDefined();
    // the customer's limit combines with the security team's throttle: the lowest wins
    await portal.app.get(LimitsService).setOverride({
      organizationId: admin.organizationId!,
      apiKeyId: key.id,
      tokensPerMinute: 100,
      reason: 'security throttle',
      actorUserId: null,
    });
    await applied(
      (l) => l.snapshot(admin.organizationId!, key.id, team.id).apiKey?.tokensPerMinute === 100,
    );
    const throttled = (await tooLarge(150)) as APIError;
    expect(throttled.message).toContain("API key's limit of 100 tokens");
  });

  it('never lets concurrent calls spend past a team’s monthly cap, and says so naming the team', async () => {
    const admin = await newOrg();
    const team = await newTeam(admin);
    const keys = [
      await newKey(admin, { teamId: team.id }),
      await newKey(admin, { teamId: team.id }),
    ];
    const cap = 60n;
    await api(admin)
      .put(`/limits/teams/${team.id}`, { spendCapMicros: String(cap) })
      .expect(200);
    await applied(
      (l) =>
        l.snapshot(admin.organizationId!, keys[0].id, team.id).customer?.team?.spendCapMicros ===
        cap,
    );
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        call(keys[i % 2].key, gateways[(i >> 1) % 2], { max_tokens: 16 }).then(
          () => 'served',
          (e: APIError) => e,
        ),
      ),
    );
    const served = outcomes.filter((o) => o === 'served').length;
    expect(served).toBeGreaterThan(0);
    const refused = outcomes.filter((o): o is APIError => o !== 'served');
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.message).toContain(`The team's monthly spend cap (${cap} micro-units)`);
    }
    const rows = await waitForRows(db, admin.organizationId!, served);
    const spent = rows.reduce((s, r) => s + BigInt(r.cost_micros), 0n);
    expect(spent).toBeLessThanOrEqual(cap);
  });

  it('keeps a key to its model allow-list, and the org admin can change it', async () => {
    const admin = await newOrg();
    const lite = await modelId('velvet-lite-1');
    const standard = await modelId('velvet-standard-2');
    const key = await newKey(admin, { allowedModelIds: [lite] });
    await expect(call(key.key)).resolves.toBeDefined();
    const refused = await sdk(key.key)
      .chat.completions.create({ model: 'velvet-standard-2', messages })
      .catch((e: APIError) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as APIError).code).toBe('model_not_allowed_for_key');
    const listed = await sdk(key.key).models.list();
    expect(listed.data.map((m) => m.id)).toEqual(['velvet-lite-1']);
    await api(admin)
      .patch(`/api-keys/${key.id}`, { allowedModelIds: ['00000000-0000-4000-8000-000000000000'] })
      .expect(422);
    await api(admin)
      .patch(`/api-keys/${key.id}`, { allowedModelIds: [standard] })
      .expect(200);
    // announced: each gateway reloads the key when the message reaches it (milliseconds, not a TTL)
    const allowed = (attempt: () => Promise<unknown>) =>
      waitFor('the gateway to apply the allow-list', () => attempt().catch(() => null), 5_000);
    await allowed(() =>
      sdk(key.key).chat.completions.create({ model: 'velvet-standard-2', messages }),
    );
    await api(admin).patch(`/api-keys/${key.id}`, { allowedModelIds: null }).expect(200);
    await allowed(() => call(key.key));
  });

  it('rotates a secret: both work during the grace period, a second rotation ends the oldest at once, and expiry ends the key', async () => {
    const admin = await newOrg();
    const first = await newKey(admin);
    await call(first.key);
    const rotated = await api(admin).post(`/api-keys/${first.id}/rotate`, {}).expect(200);
    const second = rotated.body.key as string;
    expect(second).not.toBe(first.key);
    expect(Date.parse(rotated.body.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    for (const g of gateways) {
      await expect(call(first.key, g)).resolves.toBeDefined();
      await expect(call(second, g)).resolves.toBeDefined();
    }
    const third = (
      await api(admin).post(`/api-keys/${first.id}/rotate`, { graceSeconds: 0 }).expect(200)
    ).body.key as string;
    // ended at once means within revocation's bound (< 1 s, docs/entitlements.md): the
    // announcement can reach a gateway just after a call that was already on its way
    const refusedWithinASecond = async (key: string, g: (typeof gateways)[number]) => {
      const deadline = Date.now() + 1_000;
      for (;;) {
        const error = await call(key, g).then(
          () => null,
          (e: unknown) => e,
        );
        if (error || Date.now() > deadline) return error;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    for (const g of gateways) {
      expect(await refusedWithinASecond(first.key, g)).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(await refusedWithinASecond(second, g)).toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(call(third, g)).resolves.toBeDefined();
    }
    await api(admin).post(`/api-keys/${first.id}/rotate`, { graceSeconds: -1 }).expect(400);
    await api(admin)
      .patch(`/api-keys/${first.id}`, { expiresAt: new Date(Date.now() - 1000).toISOString() })
      .expect(422);
    // expiry set behind the portal's back (as time passing would): refused within the staleness bound
    await db.query(`UPDATE api_keys SET expires_at = now() WHERE id = $1`, [first.id]);
    await new Promise((r) => setTimeout(r, 600));
    await expect(call(third)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    // a revoked key cannot be rotated back to life
    await api(admin).delete(`/api-keys/${first.id}`).expect(200);
    await api(admin).post(`/api-keys/${first.id}/rotate`, {}).expect(409);
  });
});

async function waitForRows(db: DataSource, organizationId: string, count: number) {
  for (;;) {
    const rows = (await db.query(
      `SELECT cost_micros::text AS cost_micros FROM usage_records WHERE organization_id = $1 AND status = 'succeeded'`,
      [organizationId],
    )) as { cost_micros: string }[];
    if (rows.length >= count) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}
