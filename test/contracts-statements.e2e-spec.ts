import { commitmentPeriods } from '@velvet/contracts';
import request from 'supertest';
import {
  addDaysUtc,
  fileContract,
  isoDay,
  newOrganization,
  recordSpend,
  type ContractsFixture,
} from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { bearer } from './support/http';
import type { RunningPortal } from './support/portal';

describe('commitment statements', () => {
  let portal: RunningPortal;
  let fx: ContractsFixture;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, fx } = suite = await startContractsSuite('statements'));
  });
  afterAll(() => suite?.close());

  it('states each commitment period: spend against the minimum and the shortfall, exact to the micro', async () => {
    const admin = await newOrganization(portal, fx, 'Oscorp');
    const orgId = admin.organizationId!;
    const now = new Date();
    // the last day of a month four months back: month-end periods
    const termStart = isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 0)));
    const termEnd = isoDay(addDaysUtc(now, 200));
    const c = await fileContract(portal, admin, { periodMonths: 1, termStart, termEnd });
    await request(portal.url)
      .post(`/contracts/${c.id}/approve`)
      .set(bearer(fx.am1))
      .send({})
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('active'));
    const periods = commitmentPeriods(termStart, termEnd, 1);
    const boundary = new Date(`${periods[1].start}T00:00:00Z`);
    const lite = fx.models['velvet-lite-1'];
    await recordSpend(fx.db, orgId, lite, 41_200_123_457n, new Date(boundary.getTime() - 1)); // last millisecond of period 0
    await recordSpend(
      fx.db,
      orgId,
      fx.models['velvet-pro-1'],
      60_000_000_001n,
      boundary,
      'premium',
    ); // first of period 1
    await recordSpend(fx.db, orgId, lite, 999_999n, new Date(`${termStart}T00:00:00Z`));
    await recordSpend(
      fx.db,
      orgId,
      lite,
      5n,
      new Date(new Date(`${termStart}T00:00:00Z`).getTime() - 1),
    ); // before the term

    const res = await request(portal.url)
      .get(`/contracts/${c.id}/statements`)
      .set(bearer(admin))
      .expect(200);
    const [p0, p1, p2] = res.body.periods;
    expect(p0).toMatchObject({
      start: termStart,
      end: periods[1].start,
      state: 'closed',
      minimumMicros: '50000000000',
      spentMicros: '41201123456',
      shortfallMicros: '8798876544',
    });
    expect(p1).toMatchObject({
      start: periods[1].start,
      spentMicros: '60000000001',
      shortfallMicros: '0',
    });
    expect(p2).toMatchObject({ spentMicros: '0', shortfallMicros: '50000000000' });
    expect(res.body.periods.at(-1).state).toBe('open');
    // exact: rounding to the cent would hide micro-units of the shortfall
    expect(p0.summary).toBe(
      'spent 41,201.123456 USD of 50,000.00 USD minimum; shortfall 8,798.876544 USD',
    );
    const overview = await request(portal.url)
      .get(`/organizations/${orgId}/statements`)
      .set(bearer(fx.am1))
      .expect(200);
    expect(overview.body).toHaveLength(1);
    expect(overview.body[0]).toMatchObject({
      contractId: c.id,
      tier: 'premium',
      status: 'active',
    });
    expect(overview.body[0].periods[0].shortfallMicros).toBe('8798876544');
    // members and other tenants do not see statements
    const other = await newOrganization(portal, fx, 'Massive Dynamic');
    await request(portal.url).get(`/contracts/${c.id}/statements`).set(bearer(other)).expect(404);
    await request(portal.url).get(`/contracts/${c.id}/statements`).set(bearer(fx.am2)).expect(200);
  });
});
