import type { INestApplicationContext } from '@nestjs/common';
import { AuditRetentionService } from '@velvet/audit';
import { ContractLifecycleService } from '@velvet/contracts';
import { EntitlementCache, EntitlementsScheduler } from '@velvet/entitlements';
import { QueueName, redisOptions } from '@velvet/queue';
import { type ConnectionOptions, Queue } from 'bullmq';
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
import { waitFor } from './support/contracts-worker';
import { bearer } from './support/http';
import type { RunningPortal } from './support/portal';

describe('request -> approve -> activate -> threshold -> unlock -> lapse -> relock', () => {
  let portal: RunningPortal;
  let worker: INestApplicationContext;
  let fx: ContractsFixture;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, worker, fx } = suite = await startContractsSuite('flow', { worker: true }));
  });
  afterAll(() => suite?.close());

  it('unlocks the premium model only when contract and spend both hold, and relocks when the contract lapses', async () => {
    const admin = await newOrganization(portal, fx, 'Umbrella');
    const orgId = admin.organizationId!;
    const cache = portal.app.get(EntitlementCache);
    const pro = fx.models['velvet-pro-1'];
    const lite = fx.models['velvet-lite-1'];
    expect((await cache.invokableModelIds(orgId)).has(lite)).toBe(true);
    expect((await cache.invokableModelIds(orgId)).has(pro)).toBe(false);

    // 1. request, starting tomorrow, for one year
    const today = new Date();
    const termStart = isoDay(addDaysUtc(today, 1));
    const termEnd = isoDay(addDaysUtc(today, 365));
    const created = await fileContract(portal, admin, {
      termStart,
      termEnd,
      textRetentionDays: 30,
    });
    expect(created).toMatchObject({
      status: 'submitted',
      requiredApprovals: 1,
      minSpendMicros: '50000000000',
      textRetentionDays: 30,
    });
    const retention = portal.app.get(AuditRetentionService);
    const id = created.id as string;

    let explanation = await request(portal.url)
      .get(`/organizations/${orgId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    const locked = explanation.body.models.find((m: { slug: string }) => m.slug === 'velvet-pro-1');
    expect(locked).toMatchObject({ unlocked: false, enforced: false });
    expect(locked.conditions.find((c: { key: string }) => c.key === 'contract')).toMatchObject({
      holds: false,
      message: 'contract pending approval (0 of 1 approvals)',
    });
    expect(
      locked.conditions.find((c: { key: string }) => c.key === 'qualifying_spend'),
    ).toMatchObject({
      holds: false,
      message: 'spent 0.00 of 10,000.00 USD in the last 90 days; 10,000.00 USD to go',
    });

    // 2. approve: starts tomorrow, so approved, not active yet
    const approved = await request(portal.url)
      .post(`/contracts/${id}/approve`)
      .set(bearer(fx.am1))
      .send({ reason: 'good account' })
      .expect(200);
    expect(approved.body.status).toBe('approved');

    // 3. activation by the scheduled job on the start date
    const lifecycle = worker.get(ContractLifecycleService);
    expect((await lifecycle.run(today)).activated).toEqual([]);
    expect((await lifecycle.run(addDaysUtc(today, 1))).activated).toEqual([id]);
    // the contract's text-retention term now governs what the audit pipeline keeps
    expect(await retention.policy(orgId)).toBe(30);
    await request(portal.url)
      .get(`/contracts/${id}`)
      .set(bearer(admin))
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('active'));

    // contract holds, spend does not yet: still locked
    explanation = await request(portal.url)
      .get(`/organizations/${orgId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    const stillLocked = explanation.body.models.find(
      (m: { slug: string }) => m.slug === 'velvet-pro-1',
    );
    expect(stillLocked.unlocked).toBe(false);
    expect(stillLocked.conditions.find((c: { key: string }) => c.key === 'contract').holds).toBe(
      true,
    );

    // 4. spend crosses the threshold (9,999.99 then the last cent); premium spend does not qualify
    await recordSpend(fx.db, orgId, pro, 5_000_000_000n, new Date(), 'premium');
    await recordSpend(fx.db, orgId, lite, 9_999_990_000n);
    await portal.app.get(EntitlementsScheduler).requestEvaluation(orgId, 'spend');
    await new Promise((r) => setTimeout(r, 600));
    expect((await cache.invokableModelIds(orgId)).has(pro)).toBe(false);
    await recordSpend(fx.db, orgId, lite, 10_000n);
    await portal.app.get(EntitlementsScheduler).requestEvaluation(orgId, 'spend');

    // 5. unlock, seen by the portal's cache (another Nest context than the worker's engine) within a second
    const elapsed = await waitFor(
      async () => (await cache.invokableModelIds(orgId)).has(pro),
      3000,
    );
    expect(elapsed).toBeLessThan(1000);
    expect((await cache.invokableModelIds(orgId)).has(fx.models['velvet-opus-1'])).toBe(false);

    // 6. lapse: the day after term end the job expires it, and the model relocks
    const expired = await lifecycle.run(addDaysUtc(new Date(`${termEnd}T00:00:00Z`), 1));
    expect(expired.expired).toEqual([id]);
    expect(await retention.policy(orgId)).toBeNull();
    await waitFor(async () => !(await cache.invokableModelIds(orgId)).has(pro), 3000);

    // every transition on record, readable by the requester
    const trail = await request(portal.url)
      .get(`/contracts/${id}/transitions`)
      .set(bearer(admin))
      .expect(200);
    expect(trail.body.map((t: { toStatus: string }) => t.toStatus)).toEqual([
      'draft',
      'submitted',
      'approved',
      'active',
      'expired',
    ]);
    expect(trail.body[2]).toMatchObject({
      fromStatus: 'submitted',
      actorUserId: fx.am1.userId,
      reason: 'good account',
    });
    expect(trail.body[3].actorUserId).toBeNull();

    // and every transition went to the audit log's queue as an admin action, with who and why
    const audit = new Queue(QueueName.Audit, {
      prefix: portal.env.QUEUE_PREFIX,
      connection: redisOptions(portal.env.REDIS_URL) as ConnectionOptions,
    });
    try {
      const entries = (await audit.getJobs(['waiting', 'delayed', 'completed', 'active'], 0, 1000))
        .map((j) => j.data)
        .filter((d) => d.subjectId === id);
      expect(entries.map((d) => d.action).sort()).toEqual(
        [
          'contract.active',
          'contract.approved',
          'contract.draft',
          'contract.expired',
          'contract.submitted',
        ].sort(),
      );
      expect(entries.find((d) => d.action === 'contract.approved')).toMatchObject({
        actorUserId: fx.am1.userId,
        reason: 'good account',
        organizationId: orgId,
      });
    } finally {
      await audit.close();
    }
  });

  it('activates at once when approved on or after the start date, and a suspension denies within a second', async () => {
    const admin = await newOrganization(portal, fx, 'Soylent');
    const orgId = admin.organizationId!;
    const cache = portal.app.get(EntitlementCache);
    const pro = fx.models['velvet-pro-1'];
    await recordSpend(fx.db, orgId, fx.models['velvet-standard-2'], 12_000_000_000n);
    const today = isoDay(new Date());
    const c = await fileContract(portal, admin, {
      tier: 'flagship',
      minSpendMicros: '20000000000',
      periodMonths: 1,
      termStart: today,
      termEnd: isoDay(addDaysUtc(new Date(), 90)),
      textRetentionDays: 7,
    });
    const approved = await request(portal.url)
      .post(`/contracts/${c.id}/approve`)
      .set(bearer(fx.am2))
      .send({})
      .expect(200);
    expect(approved.body.status).toBe('active');
    const retention = portal.app.get(AuditRetentionService);
    expect(await retention.policy(orgId)).toBe(7);
    // a flagship contract covers premium too; flagship itself needs more spend and account age
    await waitFor(async () => (await cache.invokableModelIds(orgId)).has(pro), 3000);
    expect((await cache.invokableModelIds(orgId)).has(fx.models['velvet-opus-1'])).toBe(false);

    const t0 = Date.now();
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension`)
      .set(bearer(fx.security))
      .send({ reason: 'distillation alert 42' })
      .expect(200);
    await waitFor(async () => !(await cache.invokableModelIds(orgId)).has(pro), 2000);
    expect(Date.now() - t0).toBeLessThan(1000);
    const why = await request(portal.url)
      .get(`/organizations/${orgId}/entitlements`)
      .set(bearer(admin))
      .expect(200);
    const pm = why.body.models.find((m: { slug: string }) => m.slug === 'velvet-pro-1');
    expect(pm.conditions.find((x: { key: string }) => x.key === 'not_suspended')).toMatchObject({
      holds: false,
    });
    // standard models stay available while suspended
    expect((await cache.invokableModelIds(orgId)).has(fx.models['velvet-lite-1'])).toBe(true);

    // idempotent suspend; restore brings it back; restoring twice is a conflict
    const again = await request(portal.url)
      .post(`/organizations/${orgId}/suspension`)
      .set(bearer(fx.security))
      .send({ reason: 'again' })
      .expect(200);
    expect(again.body.created).toBe(false);
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension/restore`)
      .set(bearer(fx.security))
      .send({ reason: 'cleared' })
      .expect(200);
    await waitFor(async () => (await cache.invokableModelIds(orgId)).has(pro), 2000);
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension/restore`)
      .set(bearer(fx.security))
      .send({ reason: 'x' })
      .expect(409);
    // terminating the contract relocks at once (on the next evaluation), and is on the record
    await request(portal.url)
      .post(`/contracts/${c.id}/terminate`)
      .set(bearer(fx.am1))
      .send({ reason: 'breach of terms' })
      .expect(200);
    expect(await retention.policy(orgId)).toBeNull();
    await waitFor(async () => !(await cache.invokableModelIds(orgId)).has(pro), 3000);
    const statements = await request(portal.url)
      .get(`/contracts/${c.id}/statements`)
      .set(bearer(admin))
      .expect(200);
    expect(statements.body.periods).toHaveLength(1);
    expect(statements.body.periods[0]).toMatchObject({
      start: today,
      end: isoDay(addDaysUtc(new Date(), 1)),
    });
    // customers cannot suspend or read suspensions
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension`)
      .set(bearer(admin))
      .send({ reason: 'x' })
      .expect(403);
  });
});
