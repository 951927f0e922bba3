import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyMaterial } from '@velvet/api-keys';
import { EntitlementsScheduler } from '@velvet/entitlements';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import { loadGatewayEnv } from '../apps/gateway/src/env';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import {
  addDaysUtc,
  fileContract,
  isoDay,
  newOrganization,
  recordSpend,
  type ContractsFixture,
} from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { waitFor } from './support/contracts-worker';
import { bearer, DEMO_TEST_PASSWORD, type Session } from './support/http';
import type { RunningPortal } from './support/portal';

/**
 * The edges, driven as a customer would, through the portal API and the real
 * gateway (official `openai` SDK) over one database and Redis prefix, with the worker running.
 */
describe('contracts and entitlements at the edges', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let suite: ContractsSuite | undefined;
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;
  const today = isoDay(new Date());
  const inDays = (n: number) => isoDay(addDaysUtc(new Date(), n));

  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('edges', { worker: true }));
    gateway = await createGatewayApp(
      loadGatewayEnv({
        NODE_ENV: 'test',
        DATABASE_URL: portal.env.DATABASE_URL,
        REDIS_URL: portal.env.REDIS_URL,
        QUEUE_PREFIX: portal.env.QUEUE_PREFIX,
        LOG_LEVEL: 'silent',
        GATEWAY_PORT: '0',
        GATEWAY_CACHE_TTL_MS: '200',
        PORTAL_PUBLIC_URL: portal.url,
      }),
      {},
    );
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gateway?.close();
    await suite?.close();
  });

  const apiKey = async (organizationId: string) => {
    const m = generateKeyMaterial();
    await fx.db.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'edges', $2, $3)`,
      [organizationId, m.lookupId, m.secretHash],
    );
    return m.key;
  };
  const ai = (key: string) =>
    new OpenAI({ apiKey: key, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });
  /** One call; the error's code and message when refused, `ok` when served. */
  const call = async (key: string, model: string) => {
    try {
      await ai(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
      return { code: 'ok', message: '' };
    } catch (e) {
      const err = e as { status?: number; code?: string; message: string };
      // an ended contract is a hard stop (429 insufficient_quota, not retried); every other refusal a 403
      expect(err.status).toBe(err.code === 'contract_ended' ? 429 : 403);
      return { code: err.code ?? '', message: err.message };
    }
  };
  const approve = (id: string) =>
    request(portal.url).post(`/contracts/${id}/approve`).set(bearer(fx.am1)).send({}).expect(200);
  const explanation = async (admin: Session, slug: string) =>
    (
      await request(portal.url)
        .get(`/organizations/${admin.organizationId}/entitlements`)
        .set(bearer(admin))
        .expect(200)
    ).body.models.find((m: { slug: string }) => m.slug === slug);

  it('counts spend once across overlapping contracts: statements and shortfalls agree (earliest-ending first)', async () => {
    const admin = await newOrganization(portal, fx, 'Overlap Spend');
    const orgId = admin.organizationId!;
    const terms = { periodMonths: 3, termStart: today, termEnd: inDays(364) };
    const premium = await fileContract(portal, admin, { ...terms, minSpendMicros: '3000000' });
    const flagship = await fileContract(portal, admin, {
      ...terms,
      tier: 'flagship',
      minSpendMicros: '4000000',
    });
    await approve(premium.id);
    await approve(flagship.id);
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 1_065_102n);
    const all = await request(portal.url)
      .get(`/organizations/${orgId}/statements`)
      .set(bearer(admin))
      .expect(200);
    const first = (id: string) =>
      all.body.find((s: { contractId: string }) => s.contractId === id).periods[0];
    expect(first(premium.id)).toMatchObject({ spentMicros: '1065102', shortfallMicros: '1934898' });
    expect(first(flagship.id)).toMatchObject({ spentMicros: '0', shortfallMicros: '4000000' });
    // 5.934898 USD owed in all, not 4.87 (the same spend counted against both)
    expect(
      BigInt(first(premium.id).shortfallMicros) + BigInt(first(flagship.id).shortfallMicros),
    ).toBe(5_934_898n);
    expect(all.body[0].notes.join(' ')).toMatch(/each rounded up to a whole micro-unit/);
    const one = await request(portal.url)
      .get(`/contracts/${flagship.id}/statements`)
      .set(bearer(admin))
      .expect(200);
    expect(one.body.periods[0]).toEqual(first(flagship.id));
  });

  it('refuses terms that ended or start too far off, naming the field', async () => {
    const admin = await newOrganization(portal, fx, 'Past Terms');
    const post = (termStart: string, termEnd: string) =>
      request(portal.url)
        .post(`/organizations/${admin.organizationId}/contracts`)
        .set(bearer(admin))
        .send({
          tier: 'premium',
          minSpendMicros: '1000000',
          periodMonths: 3,
          currency: 'USD',
          termStart,
          termEnd,
          submit: true,
        });
    const past = await post(inDays(-100), inDays(-1)).expect(422);
    expect(past.body.message).toMatch(/termEnd .* is in the past/);
    expect((await post(inDays(400), inDays(700)).expect(422)).body.message).toMatch(/termStart/);
    expect((await post(inDays(-200), inDays(100)).expect(422)).body.message).toMatch(/termStart/);
    const [{ n }] = await fx.db.query(
      `SELECT count(*)::int AS n FROM contracts WHERE organization_id = $1`,
      [admin.organizationId],
    );
    expect(n).toBe(0);
  });

  it('allows one binding contract per tier and term; a replacement ends the old one (14.2)', async () => {
    const admin = await newOrganization(portal, fx, 'Overlap Rule');
    const terms = { termStart: today, termEnd: inDays(364), minSpendMicros: '30000000000' };
    const first = await fileContract(portal, admin, terms);
    await approve(first.id);
    const bigger = await fileContract(portal, admin, { ...terms, minSpendMicros: '40000000000' });
    // the requester is shown the overlap at once, the reviewer on the contract itself
    expect(bigger.overlapping).toEqual([
      expect.objectContaining({ id: first.id, status: 'active', blocking: true }),
    ]);
    const refused = await request(portal.url)
      .post(`/contracts/${bigger.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(409);
    expect(refused.body.code).toBe('contract_overlap');
    const seen = await request(portal.url)
      .get(`/contracts/${bigger.id}`)
      .set(bearer(fx.am2))
      .expect(200);
    expect(seen.body.overlapping.map((o: { id: string }) => o.id)).toEqual([first.id]);
    // a replacement that starts today ends the old one on approval
    const replacement = await fileContract(portal, admin, {
      ...terms,
      minSpendMicros: '40000000000',
      replacesContractId: first.id,
      relation: 'replacement',
    });
    expect(replacement.overlapping[0]).toMatchObject({
      id: first.id,
      replaced: true,
      blocking: false,
    });
    const done = await approve(replacement.id);
    expect(done.body.status).toBe('active');
    const old = await request(portal.url)
      .get(`/contracts/${first.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(old.body.status).toBe('terminated');
    // an amendment starting later shortens the old term to the day before instead
    const later = await fileContract(portal, admin, {
      ...terms,
      termStart: inDays(30),
      replacesContractId: replacement.id,
      relation: 'amendment',
    });
    await approve(later.id);
    const cut = await request(portal.url)
      .get(`/contracts/${replacement.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(cut.body).toMatchObject({ status: 'active', termEnd: inDays(29) });
    // replacing somebody else's contract is refused
    const stranger = await newOrganization(portal, fx, 'Stranger');
    await request(portal.url)
      .post(`/organizations/${stranger.organizationId}/contracts`)
      .set(bearer(stranger))
      .send({
        tier: 'premium',
        minSpendMicros: '1000000',
        periodMonths: 3,
        currency: 'USD',
        termStart: today,
        termEnd: inDays(90),
        replacesContractId: later.id,
        relation: 'replacement',
      })
      .expect(422);
  });

  it('names the true reason of every refusal, on the gateway (code + message) and in the portal', async () => {
    const admin = await newOrganization(portal, fx, 'Reasons');
    const orgId = admin.organizationId!;
    const key = await apiKey(orgId);
    const pro = 'velvet-pro-1';
    let r = await call(key, pro);
    expect(r.code).toBe('contract_missing');
    expect(r.message).toContain('GET /v1/organization/entitlements');
    expect(r.message).toContain(`${portal.url}/app/`);

    const big = await fileContract(portal, admin, {
      termStart: today,
      termEnd: inDays(364),
      minSpendMicros: '150000000000',
    });
    // the 403 carries the newest reason: the stored evaluation's, or the one this gateway computed live
    // since (it never goes back to an evaluation that read its facts before the live one did)
    await waitFor(
      async () =>
        (await call(key, pro)).message.includes('contract pending approval (0 of 2 approvals)'),
      10_000,
      20,
    );
    await approve(big.id);
    await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am2))
      .send({})
      .expect(200);
    // 8 micro-units short of the 10,000 USD threshold: never reads as met
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 9_999_999_992n);
    await portal.app.get(EntitlementsScheduler).requestEvaluation(orgId, 'usage_recorded'); // as the gateway does
    await waitFor(async () => (await call(key, pro)).message.includes('9,999.999992'), 10_000, 20);
    r = await call(key, pro);
    expect(r).toMatchObject({ code: 'spend_short' });
    expect(r.message).toContain(
      'spent 9,999.999992 of 10,000.00 USD in the last 90 days; 0.000008 USD to go',
    );
    const portalSide = await explanation(admin, pro);
    expect(portalSide.refusal).toEqual({
      code: 'spend_short',
      message: 'spent 9,999.999992 of 10,000.00 USD in the last 90 days; 0.000008 USD to go',
    });
    // the same explanation with the API key, on the gateway
    const viaKey = await request(gatewayUrl)
      .get('/v1/organization/entitlements')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    const { evaluatedAt: _a, ...gatewaySide } = viaKey.body;
    const portalAll = await request(portal.url)
      .get(`/organizations/${orgId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    const { evaluatedAt: _b, ...portalRest } = portalAll.body;
    expect(gatewaySide).toEqual(portalRest);
    await request(gatewayUrl).get('/v1/organization/entitlements').expect(401);

    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 8n);
    await request(portal.url)
      .patch(`/organizations/${orgId}`)
      .set(bearer(fx.am1))
      .send({ verified: true })
      .expect(200);
    await waitFor(async () => (await call(key, pro)).code === 'ok', 10_000, 50);
    // the entitlement lapses by itself at the end of the term, sweep or not
    const [granted] = await fx.db.query(
      `SELECT valid_until FROM organization_entitlements WHERE organization_id = $1 AND tier = 'premium'`,
      [orgId],
    );
    expect(new Date(granted.valid_until).toISOString()).toBe(`${inDays(365)}T00:00:00.000Z`);

    await request(portal.url)
      .post(`/organizations/${orgId}/suspension`)
      .set(bearer(fx.security))
      .send({ reason: 'edges' })
      .expect(200);
    await waitFor(async () => (await call(key, pro)).code !== 'ok', 5_000, 5);
    expect((await call(key, pro)).code).toBe('organization_suspended');
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension/restore`)
      .set(bearer(fx.security))
      .send({ reason: 'edges' })
      .expect(200);
    await waitFor(async () => (await call(key, pro)).code === 'ok', 10_000, 50);

    // termination goes through the suspension's immediate push path: refused with the right reason
    await request(portal.url)
      .post(`/contracts/${big.id}/terminate`)
      .set(bearer(fx.am1))
      .send({ reason: 'edges' })
      .expect(200);
    await waitFor(async () => (await call(key, pro)).code !== 'ok', 5_000, 5);
    r = await call(key, pro);
    expect(r.code).toBe('contract_ended');
    expect(r.message).toContain(`the premium contract was terminated on ${today}`);

    // a disabled organisation: every refusal, from the first, says so (standard models too)
    await request(portal.url)
      .patch(`/organizations/${orgId}`)
      .set(bearer(fx.platformAdmin))
      .send({ status: 'disabled' })
      .expect(200);
    const codes = new Set<string>();
    await waitFor(
      async () => {
        const x = await call(key, 'velvet-lite-1');
        codes.add(x.code);
        return x.code !== 'ok';
      },
      5_000,
      5,
    );
    for (let i = 0; i < 5; i++) codes.add((await call(key, 'velvet-lite-1')).code);
    codes.delete('ok');
    expect([...codes]).toEqual(['organization_disabled']);
    // its admin is told so after the password checked out; a wrong password still reads as one
    const [{ email }] = await fx.db.query(`SELECT email FROM users WHERE id = $1`, [admin.userId]);
    const login = (password: string) =>
      request(portal.url).post('/auth/login').send({ email, password });
    expect((await login(DEMO_TEST_PASSWORD).expect(403)).body.code).toBe('organization_disabled');
    expect((await login('not-the-password').expect(401)).body.code).toBe('invalid_credentials');
    // its members are signed out; the account manager's view of the organisation says the same
    const staffView = await request(portal.url)
      .get(`/organizations/${orgId}/entitlements`)
      .set(bearer(fx.am1))
      .expect(200);
    const lite = staffView.body.models.find((m: { slug: string }) => m.slug === 'velvet-lite-1');
    expect(lite.refusal.code).toBe('organization_disabled');
  });

  it('previews a rule change, grandfathers active contracts on request, records the choice, and schedules later changes', async () => {
    const admin = await newOrganization(portal, fx, 'Grandfathered');
    const orgId = admin.organizationId!;
    const key = await apiKey(orgId);
    const c = await fileContract(portal, admin, { termStart: today, termEnd: inDays(200) });
    await approve(c.id);
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    await waitFor(async () => (await call(key, 'velvet-pro-1')).code === 'ok', 10_000, 50);
    const raise = { minQualifyingSpendMicros: '1000000000000' };
    const preview = (grandfatherActiveContracts: boolean) =>
      request(portal.url)
        .post('/unlock-rules/premium/preview')
        .set(bearer(fx.platformAdmin))
        .send({ ...raise, grandfatherActiveContracts })
        .expect(200);
    const ids = (xs: { organizationId: string }[]) => xs.map((x) => x.organizationId);
    const plain = await preview(false);
    expect(ids(plain.body.lose)).toContain(orgId);
    const kept = await preview(true);
    expect(ids(kept.body.lose)).not.toContain(orgId);
    expect(kept.body.grandfathered).toContainEqual(
      expect.objectContaining({ organizationId: orgId, contractId: c.id, until: inDays(200) }),
    );
    const { body: before } = await request(portal.url)
      .get('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .expect(200);
    expect(before.minQualifyingSpendMicros).not.toBe(raise.minQualifyingSpendMicros); // preview changed nothing

    const put = await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ ...raise, reason: 'raise the bar', grandfatherActiveContracts: true })
      .expect(200);
    expect(put.body.change).toMatchObject({ grandfather: true, version: before.version + 1 });
    expect(put.body.change.appliedAt).not.toBeNull();
    // after the worker re-evaluated everyone under the new rule, the contract still carries access
    await waitFor(
      async () => {
        const [row] = await fx.db.query(
          `SELECT reason, evaluated_at > $2 AS after FROM entitlement_evaluations WHERE organization_id = $1`,
          [orgId, put.body.change.appliedAt],
        );
        return row?.reason === 'unlock rule premium changed' && row.after;
      },
      10_000,
      50,
    );
    expect((await call(key, 'velvet-pro-1')).code).toBe('ok');
    const why = await explanation(admin, 'velvet-pro-1');
    expect(why.conditions.find((x: { key: string }) => x.key === 'grandfathered')).toMatchObject({
      holds: true,
      details: { until: inDays(200) },
    });
    const history = await request(portal.url)
      .get('/unlock-rules/premium/changes')
      .set(bearer(fx.platformAdmin))
      .expect(200);
    expect(history.body[0]).toMatchObject({ grandfather: true, reason: 'raise the bar' });
    expect(ids(history.body[0].impact.grandfathered)).toContain(orgId);

    // a change dated later waits; a second one is refused until it took effect
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ minQualifyingSpendMicros: '10000000000', reason: 'back down', effectiveAt: at })
      .expect(200);
    expect(scheduled.body).toMatchObject({
      minQualifyingSpendMicros: raise.minQualifyingSpendMicros,
    });
    expect(scheduled.body.change).toMatchObject({ appliedAt: null, effectiveAt: at });
    const again = await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ reason: 'too soon' })
      .expect(409);
    expect(again.body.code).toBe('rule_change_scheduled');
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ reason: 'backdated', effectiveAt: '2020-01-01T00:00:00Z' })
      .expect(422);
  });
});
