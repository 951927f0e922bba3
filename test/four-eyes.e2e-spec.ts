import { Role } from '@velvet/access';
import request from 'supertest';
import { fileContract, newOrganization, type ContractsFixture } from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { bearer, createStaff, type Session } from './support/http';
import type { RunningPortal } from './support/portal';

/** The bypass found by the attack run, and its variants, against the real portal. */
describe('four-eyes cannot be walked around', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let bob: Session;
  let am3: Session;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('foureyes'));
    bob = await newOrganization(portal, fx, 'Globex');
    am3 = await createStaff(portal, Role.AccountManager, 'am3-foureyes@velvet.example');
  });
  afterAll(() => suite?.close());

  const approve = (who: Session, id: string) =>
    request(portal.url).post(`/contracts/${id}/approve`).set(bearer(who)).send({ reason: 'ok' });
  const amend = (who: Session, id: string, body: Record<string, unknown>) =>
    request(portal.url).patch(`/contracts/${id}`).set(bearer(who)).send(body).expect(200);

  it('refuses am1 after am1 lowered the amount and am2 edited only the notes', async () => {
    const c = await fileContract(portal, bob, { minSpendMicros: '500000000000' });
    expect(c.requiredApprovals).toBe(2);
    const lowered = await amend(fx.am1, c.id, { minSpendMicros: '1000000' });
    // the lower amount does not lower the bar set by the larger one
    expect(lowered.body.requiredApprovals).toBe(2);
    expect((await approve(fx.am1, c.id)).status).toBe(403);
    await amend(fx.am2, c.id, { notes: 'just the notes' });
    const bypass = await approve(fx.am1, c.id);
    expect(bypass.status).toBe(403);
    expect(bypass.body.code).toBe('contract_self_approval');
    expect((await approve(fx.am2, c.id)).status).toBe(403);
    // two reviewers who never shaped it are needed, and enough
    const first = await approve(am3, c.id).expect(200);
    expect(first.body).toMatchObject({ status: 'submitted', approvals: 1, requiredApprovals: 2 });
    const fourth = await createStaff(portal, Role.AccountManager, 'am4-foureyes@velvet.example');
    const second = await approve(fourth, c.id).expect(200);
    expect(second.body).toMatchObject({ status: 'approved', approvals: 2 });
    const [row] = await fx.db.query(
      `SELECT array_agg(approver_id::text ORDER BY approver_id) AS approvers FROM contract_approvals
        WHERE contract_id = $1 AND round = (SELECT review_round FROM contracts WHERE id = $1)`,
      [c.id],
    );
    expect(row.approvers.sort()).toEqual([am3.userId, fourth.userId].sort());
  });

  it('keeps the bar and the bar on contributors across a return for changes', async () => {
    // another organisation: Globex's first contract is approved, and a second one would overlap it
    const initech = await newOrganization(portal, fx, 'Initech');
    const c = await fileContract(portal, initech, { minSpendMicros: '500000000000' });
    await request(portal.url)
      .post(`/contracts/${c.id}/request-changes`)
      .set(bearer(am3))
      .send({ reason: 'lower it' })
      .expect(200);
    // an account manager edits the returned contract, the customer resubmits a small amount
    await amend(fx.am1, c.id, { minSpendMicros: '1000000' });
    const resubmitted = await request(portal.url)
      .post(`/contracts/${c.id}/submit`)
      .set(bearer(initech))
      .expect(200);
    expect(resubmitted.body.requiredApprovals).toBe(2);
    expect((await approve(fx.am1, c.id)).status).toBe(403);
    await approve(fx.am2, c.id).expect(200);
    const still = await approve(am3, c.id).expect(200);
    expect(still.body.status).toBe('approved');
  });
});
