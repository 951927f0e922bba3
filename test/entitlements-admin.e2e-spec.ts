import { EntitlementCache } from '@velvet/entitlements';
import request from 'supertest';
import { newOrganization, recordSpend, type ContractsFixture } from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { waitFor } from './support/contracts-worker';
import { bearer } from './support/http';
import type { RunningPortal } from './support/portal';

describe('unlock rules and catalog administration', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    // the worker runs the re-evaluation jobs that a rule change schedules
    ({ portal, fx } = suite = await startContractsSuite('admin', { worker: true }));
  });
  afterAll(() => suite?.close());

  it('lets the platform admin change a rule, records who and why, and re-evaluates everyone', async () => {
    const admin = await newOrganization(portal, fx, 'Wonka');
    const orgId = admin.organizationId!;
    const cache = portal.app.get(EntitlementCache);
    const pro = fx.models['velvet-pro-1'];
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 2_000_000_000n);
    // premium without a contract condition and with a 1,000 USD threshold: unlocked for this organisation
    const put = await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({
        requiresContract: false,
        minQualifyingSpendMicros: '1000000000',
        reason: 'pilot programme',
        expectedVersion: 1,
      })
      .expect(200);
    expect(put.body).toMatchObject({
      version: 2,
      requiresContract: false,
      minQualifyingSpendMicros: '1000000000',
    });
    await waitFor(async () => (await cache.invokableModelIds(orgId)).has(pro), 3000);

    // a stale edit is refused and changes nothing
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ requiresContract: true, reason: 'x', expectedVersion: 1 })
      .expect(409);
    // back to requiring a contract: relocked
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ requiresContract: true, reason: 'pilot over' })
      .expect(200);
    await waitFor(async () => !(await cache.invokableModelIds(orgId)).has(pro), 3000);

    const changes = await request(portal.url)
      .get('/unlock-rules/premium/changes')
      .set(bearer(fx.am1))
      .expect(200);
    expect(changes.body.map((c: { reason: string }) => c.reason)).toEqual([
      'pilot over',
      'pilot programme',
      'initial rule (seed)',
    ]);
    expect(changes.body[1]).toMatchObject({
      actorUserId: fx.platformAdmin.userId,
      before: { requiresContract: true },
      after: { requiresContract: false },
    });

    // only the platform admin edits; bad input is 4xx and changes nothing
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.am1))
      .send({ requiresContract: false, reason: 'x' })
      .expect(403);
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(admin))
      .send({ requiresContract: false, reason: 'x' })
      .expect(403);
    for (const body of [
      { reason: '' },
      { minQualifyingSpendMicros: '-1', reason: 'x' },
      { spendWindowDays: 0, reason: 'x' },
      { currency: 'us', reason: 'x' },
      { reason: 'x', bogus: 1 },
    ]) {
      const res = await request(portal.url)
        .put('/unlock-rules/premium')
        .set(bearer(fx.platformAdmin))
        .send(body);
      expect(res.status).toBe(400);
    }
    await request(portal.url)
      .put('/unlock-rules/standard')
      .set(bearer(fx.platformAdmin))
      .send({ reason: 'x' })
      .expect(422);
    await request(portal.url)
      .put('/unlock-rules/nope')
      .set(bearer(fx.platformAdmin))
      .send({ reason: 'x' })
      .expect(404);
    const rule = await request(portal.url)
      .get('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .expect(200);
    expect(rule.body).toMatchObject({ version: 3, requiresContract: true });
  });

  it('manages the catalog: prices in micros, tiers must exist, retired models drop out of entitlements', async () => {
    const admin = await newOrganization(portal, fx, 'Tyrell');
    const cache = portal.app.get(EntitlementCache);
    const created = await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({
        slug: 'velvet-mini-2',
        displayName: 'Velvet Mini 2',
        tier: 'standard',
        inputPriceMicrosPerMTok: '100000',
        outputPriceMicrosPerMTok: '400000',
        upstream: { kind: 'simulator' },
        reason: 'launch',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      inputPriceMicrosPerMTok: '100000',
      currency: 'USD',
      status: 'active',
    });
    await waitFor(
      async () => (await cache.invokableModelIds(admin.organizationId!)).has(created.body.id),
      2000,
    );
    const dup = {
      slug: 'velvet-mini-2',
      displayName: 'x',
      tier: 'standard',
      inputPriceMicrosPerMTok: '1',
      outputPriceMicrosPerMTok: '1',
      upstream: { kind: 'simulator' },
    };
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send(dup)
      .expect(409);
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({ ...dup, slug: 'x-1', tier: 'gold' })
      .expect(422);
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({ ...dup, slug: 'x-2', inputPriceMicrosPerMTok: '1.5' })
      .expect(400);
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({ ...dup, slug: 'x-3', upstream: { kind: 'openai_compatible', baseUrl: 'ftp://x' } })
      .expect(400);
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({ ...dup, slug: 'x-5', id: 'mine' })
      .expect(400);
    await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.am1))
      .send({ ...dup, slug: 'x-4' })
      .expect(403);
    const [{ n }] = await fx.db.query(
      `SELECT count(*)::int AS n FROM models WHERE slug LIKE 'x-%'`,
    );
    expect(n).toBe(0);
    await request(portal.url)
      .patch(`/catalog/models/${created.body.id}`)
      .set(bearer(fx.platformAdmin))
      .send({ status: 'retired', outputPriceMicrosPerMTok: '500000', reason: 'superseded' })
      .expect(200);
    await waitFor(
      async () => !(await cache.invokableModelIds(admin.organizationId!)).has(created.body.id),
      2000,
    );
    // a new gated tier is locked for everyone until it has a rule, and says so
    await request(portal.url)
      .post('/catalog/tiers')
      .set(bearer(fx.platformAdmin))
      .send({
        name: 'enterprise',
        displayName: 'Enterprise',
        rank: 40,
        gated: true,
        reason: 'new offer',
      })
      .expect(201);
    await request(portal.url)
      .post('/catalog/tiers')
      .set(bearer(fx.platformAdmin))
      .send({ name: 'enterprise2', displayName: 'E', rank: 40, gated: true })
      .expect(409);
    await request(portal.url)
      .post('/catalog/tiers')
      .set(bearer(fx.platformAdmin))
      .send({ name: 'Bad Name', displayName: 'E', rank: 41, gated: true })
      .expect(400);
    const ent = await request(portal.url)
      .post('/catalog/models')
      .set(bearer(fx.platformAdmin))
      .send({ ...dup, slug: 'velvet-ent-1', tier: 'enterprise' })
      .expect(201);
    const why = await request(portal.url)
      .get(`/organizations/${admin.organizationId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    expect(why.body.models.find((m: { slug: string }) => m.slug === 'velvet-ent-1')).toMatchObject({
      unlocked: false,
      conditions: [{ holds: false, message: 'no unlock rule configured for this tier' }],
    });
    expect((await cache.invokableModelIds(admin.organizationId!)).has(ent.body.id)).toBe(false);
    await request(portal.url)
      .patch(`/catalog/models/${ent.body.id}`)
      .set(bearer(fx.platformAdmin))
      .send({ status: 'retired' })
      .expect(200);

    const list = await request(portal.url).get('/catalog/models').set(bearer(admin)).expect(200);
    expect(list.body.map((m: { slug: string }) => m.slug)).not.toContain('velvet-mini-2');
    expect(list.body).toHaveLength(6);
  });
});
