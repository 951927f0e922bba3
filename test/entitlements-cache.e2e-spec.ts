import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import {
  abilityWithEntitlements,
  EntitlementCache,
  EntitlementEngine,
  EntitlementsScheduler,
} from '@velvet/entitlements';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { newOrganization, recordSpend, type ContractsFixture } from './support/contracts-fixture';
import { startContractsSuite, type ContractsSuite } from './support/contracts-suite';
import { startContractsWorker, waitFor } from './support/contracts-worker';
import { bearer } from './support/http';
import type { RunningPortal } from './support/portal';

describe('entitlement cache and evaluation jobs', () => {
  let portal: RunningPortal;
  let worker: INestApplicationContext;
  let fx: ContractsFixture;
  let suite: ContractsSuite | undefined;
  beforeAll(async () => {
    ({ portal, worker, fx } = suite = await startContractsSuite('cache', { worker: true }));
    // no contract needed for premium here: the rule is spend-only
    await request(portal.url)
      .put('/unlock-rules/premium')
      .set(bearer(fx.platformAdmin))
      .send({ requiresContract: false, reason: 'cache tests' })
      .expect(200);
  });
  afterAll(() => suite?.close());

  it('coalesces a burst of evaluation requests into very few jobs', async () => {
    const admin = await newOrganization(portal, fx, 'Burst');
    const orgId = admin.organizationId!;
    const scheduler = portal.app.get(EntitlementsScheduler);
    const queue = portal.app.get<Queue>(getQueueToken(QueueName.Entitlements));
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    await Promise.all(
      Array.from({ length: 50 }, () => scheduler.requestEvaluation(orgId, 'usage_recorded')),
    );
    await waitFor(
      async () =>
        (await portal.app.get(EntitlementCache).invokableModelIds(orgId)).has(
          fx.models['velvet-pro-1'],
        ),
      3000,
    );
    await new Promise((r) => setTimeout(r, 400));
    const jobs = (await queue.getJobs(['completed', 'active', 'waiting', 'delayed'])).filter(
      (j) => j.data.organizationId === orgId,
    );
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.length).toBeLessThanOrEqual(2);
  });

  it('counts only qualifying spend inside the trailing window', async () => {
    const admin = await newOrganization(portal, fx, 'Window');
    const orgId = admin.organizationId!;
    const engine = worker.get(EntitlementEngine);
    const windowStart = Date.now() - 90 * 86_400_000;
    await recordSpend(
      fx.db,
      orgId,
      fx.models['velvet-lite-1'],
      5_000_000_000n,
      new Date(windowStart - 60_000),
    ); // just outside
    await recordSpend(
      fx.db,
      orgId,
      fx.models['velvet-lite-1'],
      5_000_000_000n,
      new Date(windowStart + 60_000),
    ); // just inside
    await recordSpend(
      fx.db,
      orgId,
      fx.models['velvet-lite-1'],
      4_999_999_999n,
      new Date(Date.now() + 3_600_000),
    ); // future: not yet
    const [tier] = await engine.evaluateTiers(orgId);
    expect(tier.conditions.find((c) => c.key === 'qualifying_spend')?.details).toMatchObject({
      spentMicros: 5_000_000_000n,
      remainingMicros: 5_000_000_000n,
    });
    await recordSpend(
      fx.db,
      orgId,
      fx.models['velvet-lite-1'],
      5_000_000_000n,
      new Date(Date.now() - 1000),
    );
    expect((await engine.evaluate(orgId, 'test')).unlockedTiers).toEqual(['premium']);
  });

  it('serialises concurrent evaluations of one organisation and converges on the truth', async () => {
    const admin = await newOrganization(portal, fx, 'Race');
    const orgId = admin.organizationId!;
    const engine = worker.get(EntitlementEngine);
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => engine.evaluate(orgId, 'race')),
    );
    expect(outcomes.filter((o) => o.changed)).toHaveLength(1);
    expect(outcomes.every((o) => o.unlockedTiers.join() === 'premium')).toBe(true);
  });

  it('judges the spend window as of the moment it holds the lock: an evaluation that waited cannot undo a newer one', async () => {
    const admin = await newOrganization(portal, fx, 'Waited');
    const orgId = admin.organizationId!;
    const engine = worker.get(EntitlementEngine);
    // Another evaluation of the organisation holds its lock while this one is asked for...
    const holder = fx.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT pg_advisory_xact_lock(hashtext('entitlements'), hashtext($1))`, [
      orgId,
    ]);
    const waited = engine.evaluate(orgId, 'waited');
    await new Promise((r) => setTimeout(r, 200));
    // ...and counts usage recorded meanwhile; the waiting one must count it too.
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    await holder.commitTransaction();
    await holder.release();
    expect((await waited).unlockedTiers).toEqual(['premium']);
  });

  it('gives a disabled organisation nothing and an API key exactly its invokable models', async () => {
    const admin = await newOrganization(portal, fx, 'Disabled');
    const orgId = admin.organizationId!;
    const cache = portal.app.get(EntitlementCache);
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    await worker.get(EntitlementEngine).evaluate(orgId, 'test');
    await waitFor(
      async () => (await cache.invokableModelIds(orgId)).has(fx.models['velvet-pro-1']),
      2000,
    );
    const ability = await abilityWithEntitlements(
      { kind: 'api_key', apiKeyId: 'k', organizationId: orgId, createdByUserId: null },
      cache,
    );
    expect(
      ability.can(
        'invoke' as never,
        { __caslSubjectType__: 'Model', id: fx.models['velvet-pro-1'] } as never,
      ),
    ).toBe(true);
    expect(
      ability.can(
        'invoke' as never,
        { __caslSubjectType__: 'Model', id: fx.models['velvet-opus-1'] } as never,
      ),
    ).toBe(false);

    // the status change alone triggers the re-evaluation
    await request(portal.url)
      .patch(`/organizations/${orgId}`)
      .set(bearer(fx.platformAdmin))
      .send({ status: 'disabled' })
      .expect(200);
    await waitFor(async () => (await cache.invokableModelIds(orgId)).size === 0, 2000);
  });

  it('keeps a suspension through restarts of the cache process (state is in PostgreSQL)', async () => {
    const admin = await newOrganization(portal, fx, 'Persist');
    const orgId = admin.organizationId!;
    await recordSpend(fx.db, orgId, fx.models['velvet-lite-1'], 10_000_000_000n);
    await worker.get(EntitlementEngine).evaluate(orgId, 'test');
    await request(portal.url)
      .post(`/organizations/${orgId}/suspension`)
      .set(bearer(fx.security))
      .send({ reason: 'case 7' })
      .expect(200);
    const fresh = await startContractsWorker(portal.env);
    try {
      expect(
        (await fresh.get(EntitlementCache).invokableModelIds(orgId)).has(fx.models['velvet-pro-1']),
      ).toBe(false);
      expect(
        (await fresh.get(EntitlementCache).invokableModelIds(orgId)).has(
          fx.models['velvet-lite-1'],
        ),
      ).toBe(true);
    } finally {
      await fresh.close();
    }
    const list = await request(portal.url)
      .get(`/organizations/${orgId}/suspensions`)
      .set(bearer(fx.security))
      .expect(200);
    expect(list.body[0]).toMatchObject({
      reason: 'case 7',
      suspendedBy: fx.security.userId,
      restoredAt: null,
    });
  });
});
