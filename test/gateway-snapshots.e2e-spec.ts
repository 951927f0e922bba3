import { getRepositoryToken } from '@nestjs/typeorm';
import { Model } from '@velvet/catalog';
import { LimitsService, RateLimit } from '@velvet/metering';
import type { Repository } from 'typeorm';
import { ModelCatalog } from '../apps/gateway/src/catalog/model-catalog';
import { waitFor } from './support/audit-worker';
import {
  type RunningGateway,
  seedModel,
  seedOrg,
  seedTiers,
  startGateway,
} from './support/gateway';

/**
 * The gateway's in-process snapshots of the catalog and of the limit overrides, on a real
 * PostgreSQL: checked every cache TTL by the tables' fingerprint, read again only when a row was
 * inserted, changed or deleted, whoever wrote it (here: plain SQL, no announcement).
 */
describe('gateway: catalog and limit snapshots follow the database', () => {
  let gw: RunningGateway;
  let catalog: ModelCatalog;
  let limits: LimitsService;
  let modelReads: jest.SpyInstance;
  let limitReads: jest.SpyInstance;

  beforeAll(async () => {
    gw = await startGateway();
    await seedTiers(gw);
    catalog = gw.app.get(ModelCatalog);
    limits = gw.app.get(LimitsService);
    modelReads = jest.spyOn(gw.app.get<Repository<Model>>(getRepositoryToken(Model)), 'find');
    limitReads = jest.spyOn(
      gw.app.get<Repository<RateLimit>>(getRepositoryToken(RateLimit)),
      'find',
    );
  });
  afterAll(() => gw?.close());

  it('reads the catalog again only when a model or a tier changed', async () => {
    const slug = `snap-${Date.now()}`;
    await seedModel(gw, { slug });
    await catalog.refresh();
    expect(catalog.get(slug)?.model.displayName).toBe(slug);

    const reads = modelReads.mock.calls.length;
    await catalog.refresh();
    await catalog.refresh();
    expect(modelReads.mock.calls.length).toBe(reads);

    // updated_at untouched: only the row's content moved
    await gw.db.query(`UPDATE models SET display_name = 'Renamed' WHERE slug = $1`, [slug]);
    await catalog.refresh();
    expect(catalog.get(slug)?.model.displayName).toBe('Renamed');
    // (the process's own timer may have been the one to read it)
    expect(modelReads.mock.calls.length).toBeGreaterThan(reads);

    await gw.db.query(`UPDATE model_tiers SET gated = true WHERE name = 'standard'`);
    await catalog.refresh();
    expect(catalog.get(slug)?.gated).toBe(true);
    await gw.db.query(`UPDATE model_tiers SET gated = false WHERE name = 'standard'`);

    await gw.db.query(`DELETE FROM models WHERE slug = $1`, [slug]);
    await catalog.refresh();
    expect(catalog.get(slug)).toBeUndefined();
  });

  it('sees a change written behind its back on its own, within a few cache TTLs', async () => {
    const slug = `snap-timer-${Date.now()}`;
    await seedModel(gw, { slug });
    await waitFor('the new model in the catalog', async () => catalog.get(slug), 5000);
    expect(catalog.snapshotAgeMs()).toBeLessThan(1000);
  });

  it('reads the overrides again only when one was written, and sees it', async () => {
    const org = await seedOrg(gw, 'Snapshots');
    await limits.refresh();
    const reads = limitReads.mock.calls.length;
    await limits.refresh();
    expect(limitReads.mock.calls.length).toBe(reads);

    await gw.db.query(
      `INSERT INTO rate_limits (organization_id, requests_per_minute, reason) VALUES ($1, 7, 'sql')`,
      [org.organizationId],
    );
    await limits.refresh();
    expect(limitReads.mock.calls.length).toBeGreaterThan(reads);
    expect(limits.snapshot(org.organizationId, org.apiKeyId).organization?.requestsPerMinute).toBe(
      7,
    );

    await gw.db.query(`DELETE FROM rate_limits WHERE organization_id = $1`, [org.organizationId]);
    await limits.refresh();
    expect(limits.snapshot(org.organizationId, org.apiKeyId).organization).toBeUndefined();
  });
});
