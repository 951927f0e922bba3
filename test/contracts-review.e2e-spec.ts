import { Role } from '@velvet/access';
import request from 'supertest';
import {
  addDaysUtc,
  isoDay,
  newOrganization,
  setUpContracts,
  type ContractsFixture,
} from './support/contracts-fixture';
import { bearer, createStaff, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';

const terms = (overrides: Record<string, unknown> = {}) => ({
  tier: 'premium',
  minSpendMicros: '50000000000',
  periodMonths: 3,
  termStart: isoDay(addDaysUtc(new Date(), 10)),
  termEnd: isoDay(addDaysUtc(new Date(), 375)),
  currency: 'USD',
  ...overrides,
});

describe('contract review: four-eyes, self-approval, concurrency, bad input', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let admin: Session;
  beforeAll(async () => {
    portal = await startPortal();
    fx = await setUpContracts(portal, 'review');
    admin = await newOrganization(portal, fx, 'Initrode');
  });
  afterAll(() => portal?.close());

  const submit = async (
    overrides: Record<string, unknown> = {},
    by: Session = admin,
    orgId = admin.organizationId,
  ) =>
    (
      await request(portal.url)
        .post(`/organizations/${orgId}/contracts`)
        .set(bearer(by))
        .send({ ...terms(overrides), submit: true })
        .expect(201)
    ).body;
  const countRows = async (table: string) =>
    Number((await fx.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('needs two distinct account managers above the rule amount', async () => {
    const big = await submit({ minSpendMicros: '150000000000' });
    expect(big.requiredApprovals).toBe(2);
    const first = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am1))
      .send({ reason: 'ok' })
      .expect(200);
    expect(first.body).toMatchObject({ status: 'submitted', approvals: 1 });
    const twice = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(409);
    expect(twice.body.code).toBe('contract_already_approved');
    const second = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am2))
      .send({})
      .expect(200);
    expect(second.body).toMatchObject({ status: 'approved', approvals: 2 });
    // exactly at the amount: one approval is enough
    const atLimit = await submit({ minSpendMicros: '100000000000' });
    expect(atLimit.requiredApprovals).toBe(1);
  });

  it('refuses self-approval by the requester or the amender, and refuses customers outright', async () => {
    // an account manager files on the customer's behalf: they may not approve it themselves
    const onBehalf = await submit({}, fx.am1);
    const self = await request(portal.url)
      .post(`/contracts/${onBehalf.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(403);
    expect(self.body.code).toBe('contract_self_approval');
    // an amendment under review bars its author and voids earlier approvals
    const big = await submit({ minSpendMicros: '150000000000' });
    await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(200);
    await request(portal.url)
      .patch(`/contracts/${big.id}`)
      .set(bearer(fx.am2))
      .send({ minSpendMicros: '160000000000' })
      .expect(200);
    const amender = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am2))
      .send({})
      .expect(403);
    expect(amender.body.code).toBe('contract_self_approval');
    const am3 = await createStaff(portal, Role.AccountManager, 'am3-review@velvet.example');
    const afterAmend = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(200);
    expect(afterAmend.body).toMatchObject({ status: 'submitted', approvals: 1 });
    await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(am3))
      .send({})
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('approved'));
    // customers have no review right at all
    const own = await submit();
    await request(portal.url)
      .post(`/contracts/${own.id}/approve`)
      .set(bearer(admin))
      .send({})
      .expect(403);
  });

  it('lets exactly one of many concurrent approvals win', async () => {
    const c = await submit();
    const reviewers = [
      fx.am1,
      fx.am2,
      await createStaff(portal, Role.AccountManager, 'am4-review@velvet.example'),
    ];
    const results = await Promise.all(
      [...reviewers, ...reviewers].map((r) =>
        request(portal.url).post(`/contracts/${c.id}/approve`).set(bearer(r)).send({}),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const trail = await request(portal.url)
      .get(`/contracts/${c.id}/transitions`)
      .set(bearer(admin))
      .expect(200);
    expect(trail.body.filter((t: { toStatus: string }) => t.toStatus === 'approved')).toHaveLength(
      1,
    );
    const [{ n }] = await fx.db.query(
      `SELECT count(*)::int AS n FROM contract_approvals WHERE contract_id = $1`,
      [c.id],
    );
    expect(n).toBe(1);
  });

  it('rejects, requests changes, resubmits and refuses impossible transitions', async () => {
    const c = await submit();
    await request(portal.url)
      .post(`/contracts/${c.id}/request-changes`)
      .set(bearer(fx.am1))
      .send({})
      .expect(400);
    const back = await request(portal.url)
      .post(`/contracts/${c.id}/request-changes`)
      .set(bearer(fx.am1))
      .send({ reason: 'term too long' })
      .expect(200);
    expect(back.body.status).toBe('changes_requested');
    await request(portal.url)
      .post(`/contracts/${c.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(409);
    await request(portal.url)
      .patch(`/contracts/${c.id}`)
      .set(bearer(admin))
      .send({ termEnd: isoDay(addDaysUtc(new Date(), 200)) })
      .expect(200);
    await request(portal.url).post(`/contracts/${c.id}/submit`).set(bearer(admin)).expect(200);
    const rejected = await request(portal.url)
      .post(`/contracts/${c.id}/reject`)
      .set(bearer(fx.am2))
      .send({ reason: 'no budget' })
      .expect(200);
    expect(rejected.body.status).toBe('rejected');
    const again = await request(portal.url)
      .post(`/contracts/${c.id}/submit`)
      .set(bearer(admin))
      .expect(409);
    expect(again.body.code).toBe('contract_invalid_transition');
    const trail = await request(portal.url)
      .get(`/contracts/${c.id}/transitions`)
      .set(bearer(admin))
      .expect(200);
    expect(trail.body.map((t: { toStatus: string }) => t.toStatus)).toEqual([
      'draft',
      'submitted',
      'changes_requested',
      'submitted',
      'rejected',
    ]);
    expect(trail.body[4]).toMatchObject({ reason: 'no budget', actorUserId: fx.am2.userId });
  });

  it('answers a retried request (same Idempotency-Key) with the first contract, also when retries race', async () => {
    const key = `req-${Date.now()}`;
    const send = (body: object) =>
      request(portal.url)
        .post(`/organizations/${admin.organizationId}/contracts`)
        .set(bearer(admin))
        .set('Idempotency-Key', key)
        .send(body);
    const results = await Promise.all([send(terms()), send(terms()), send(terms())]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [{ n }] = await fx.db.query(
      `SELECT count(*)::int AS n FROM contracts WHERE request_key = $1`,
      [key],
    );
    expect(n).toBe(1);
    const reused = await send(terms({ periodMonths: 6 })).expect(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/contracts`)
      .set(bearer(admin))
      .set('Idempotency-Key', 'x'.repeat(201))
      .send(terms())
      .expect(400);
  });

  it('answers bad input with 4xx and changes nothing', async () => {
    const before = await countRows('contracts');
    const orgId = admin.organizationId;
    const bad: Record<string, unknown>[] = [
      { minSpendMicros: '-5' },
      { minSpendMicros: 5 },
      { minSpendMicros: '12.5' },
      { minSpendMicros: '0' },
      { minSpendMicros: '99999999999999999999' },
      { periodMonths: 0 },
      { periodMonths: 1.5 },
      { termStart: '2026-02-30' },
      { termStart: 'yesterday' },
      { termEnd: isoDay(addDaysUtc(new Date(), 1)), termStart: isoDay(addDaysUtc(new Date(), 5)) },
      { currency: 'usd' },
      { tier: 'standard' },
      { tier: 'nope' },
      { tier: "premium'; DROP TABLE contracts; --" },
      { extra: 'field' },
    ];
    for (const overrides of bad) {
      const res = await request(portal.url)
        .post(`/organizations/${orgId}/contracts`)
        .set(bearer(admin))
        .send(terms(overrides));
      expect([400, 422]).toContain(res.status);
    }
    await request(portal.url)
      .post(`/organizations/${orgId}/contracts`)
      .set(bearer(admin))
      .set('content-type', 'application/json')
      .send('{"tier":')
      .expect(400);
    await request(portal.url)
      .post(`/contracts/not-a-uuid/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(400);
    await request(portal.url)
      .post(`/contracts/00000000-0000-4000-8000-000000000000/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(404);
    await request(portal.url).get(`/contracts?status=bogus`).set(bearer(fx.am1)).expect(400);
    expect(await countRows('contracts')).toBe(before);
  });

  it('keeps organisations apart: no reading, listing or requesting for another tenant', async () => {
    const other = await newOrganization(portal, fx, 'Cyberdyne');
    const theirs = await submit({}, other, other.organizationId);
    await request(portal.url).get(`/contracts/${theirs.id}`).set(bearer(admin)).expect(404);
    await request(portal.url)
      .get(`/contracts/${theirs.id}/transitions`)
      .set(bearer(admin))
      .expect(404);
    await request(portal.url)
      .get(`/contracts/${theirs.id}/statements`)
      .set(bearer(admin))
      .expect(404);
    await request(portal.url)
      .patch(`/contracts/${theirs.id}`)
      .set(bearer(admin))
      .send({ periodMonths: 1 })
      .expect(404);
    await request(portal.url)
      .post(`/organizations/${other.organizationId}/contracts`)
      .set(bearer(admin))
      .send(terms())
      .expect(403);
    await request(portal.url)
      .get(`/organizations/${other.organizationId}/entitlements`)
      .set(bearer(admin))
      .expect(404);
    const mine = await request(portal.url).get(`/contracts`).set(bearer(admin)).expect(200);
    expect(
      mine.body.items.every(
        (c: { organizationId: string }) => c.organizationId === admin.organizationId,
      ),
    ).toBe(true);
    const filtered = await request(portal.url)
      .get(`/contracts?organizationId=${other.organizationId}`)
      .set(bearer(admin))
      .expect(200);
    expect(filtered.body.items).toEqual([]);
    const staff = await request(portal.url)
      .get(`/contracts?organizationId=${other.organizationId}`)
      .set(bearer(fx.am1))
      .expect(200);
    expect(staff.body.items.map((c: { id: string }) => c.id)).toEqual([theirs.id]);
  });
});
