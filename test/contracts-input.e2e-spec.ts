import request from 'supertest';
import {
  addDaysUtc,
  contractTerms,
  fileContract,
  isoDay,
  newOrganization,
  type ContractsFixture,
} from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { bearer, type Session } from './support/http';
import type { RunningPortal } from './support/portal';

describe('contract requests: idempotent retries, bad input, tenant isolation', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let admin: Session;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('input'));
    admin = await newOrganization(portal, fx, 'Initech Two');
  });
  afterAll(() => suite?.close());

  const countRows = async (table: string) =>
    Number((await fx.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('answers a retried request (same Idempotency-Key) with the first contract, also when retries race', async () => {
    const key = `req-${Date.now()}`;
    const send = (body: object) =>
      request(portal.url)
        .post(`/organizations/${admin.organizationId}/contracts`)
        .set(bearer(admin))
        .set('Idempotency-Key', key)
        .send(body);
    const results = await Promise.all([
      send(contractTerms()),
      send(contractTerms()),
      send(contractTerms()),
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [{ n }] = await fx.db.query(
      `SELECT count(*)::int AS n FROM contracts WHERE request_key = $1`,
      [key],
    );
    expect(n).toBe(1);
    const reused = await send(contractTerms({ periodMonths: 6 })).expect(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
    await request(portal.url)
      .post(`/organizations/${admin.organizationId}/contracts`)
      .set(bearer(admin))
      .set('Idempotency-Key', 'x'.repeat(201))
      .send(contractTerms())
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
      { textRetentionDays: 0 },
      { textRetentionDays: 3651 },
      { textRetentionDays: '30' },
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
        .send(contractTerms(overrides));
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
    const theirs = await fileContract(portal, other);
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
      .send(contractTerms())
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
