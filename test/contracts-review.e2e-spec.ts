import { Role } from '@velvet/access';
import request from 'supertest';
import {
  addDaysUtc,
  fileContract,
  isoDay,
  newOrganization,
  type ContractsFixture,
} from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { bearer, createStaff, type Session } from './support/http';
import type { RunningPortal } from './support/portal';

describe('contract review: four-eyes, self-approval, concurrency, transitions', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let admin: Session;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('review'));
    admin = await newOrganization(portal, fx, 'Initrode');
  });
  afterAll(() => suite?.close());

  it('needs two distinct account managers above the rule amount', async () => {
    const big = await fileContract(portal, admin, { minSpendMicros: '150000000000' });
    expect(big.requiredApprovals).toBe(2);
    const first = await request(portal.url)
      .post(`/contracts/${big.id}/approve`)
      .set(bearer(fx.am1))
      .send({ reason: 'ok' })
      .expect(200);
    expect(first.body).toMatchObject({ status: 'submitted', approvals: 1 });
    const why = await request(portal.url)
      .get(`/organizations/${admin.organizationId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    const premium = why.body.models.find((m: { slug: string }) => m.slug === 'velvet-pro-1');
    expect(premium.conditions.find((c: { key: string }) => c.key === 'contract').message).toBe(
      'contract pending approval (1 of 2 approvals)',
    );
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
    const atLimit = await fileContract(portal, admin, { minSpendMicros: '100000000000' });
    expect(atLimit.requiredApprovals).toBe(1);
  });

  it('refuses self-approval by the requester or the amender, and refuses customers outright', async () => {
    // one binding contract per tier and day: each approval story gets its own organisation
    const admin = await newOrganization(portal, fx, 'Initrode Self');
    // an account manager files on the customer's behalf: they may not approve it themselves
    const onBehalf = await fileContract(
      portal,
      fx.am1,
      {},
      { organizationId: admin.organizationId },
    );
    const self = await request(portal.url)
      .post(`/contracts/${onBehalf.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(403);
    expect(self.body.code).toBe('contract_self_approval');
    // an amendment under review bars its author and voids earlier approvals
    const big = await fileContract(portal, admin, { minSpendMicros: '150000000000' });
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
    const own = await fileContract(portal, admin);
    await request(portal.url)
      .post(`/contracts/${own.id}/approve`)
      .set(bearer(admin))
      .send({})
      .expect(403);
  });

  it('lets exactly one of many concurrent approvals win', async () => {
    // one binding contract per tier and day: each approval story gets its own organisation
    const admin = await newOrganization(portal, fx, 'Initrode Concurrency');
    const c = await fileContract(portal, admin);
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
    // one binding contract per tier and day: each approval story gets its own organisation
    const admin = await newOrganization(portal, fx, 'Initrode Transitions');
    const c = await fileContract(portal, admin);
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
});
