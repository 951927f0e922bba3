import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../../scripts/seed/seed-catalog';
import { bearer, createStaff, signUp, type Session } from './http';
import type { RunningPortal } from './portal';

export interface ContractsFixture {
  db: DataSource;
  platformAdmin: Session;
  am1: Session;
  am2: Session;
  security: Session;
  models: Record<string, string>;
}

/** Catalog and rules as in the demo, plus one of each kind of provider staff. */
export async function setUpContracts(
  portal: RunningPortal,
  tag: string,
): Promise<ContractsFixture> {
  const db = portal.app.get(DataSource);
  await seedCatalog(db);
  const rows: { id: string; slug: string }[] = await db.query(`SELECT id, slug FROM models`);
  return {
    db,
    platformAdmin: await createStaff(portal, Role.PlatformAdmin, `pa-${tag}@velvet.example`),
    am1: await createStaff(portal, Role.AccountManager, `am1-${tag}@velvet.example`),
    am2: await createStaff(portal, Role.AccountManager, `am2-${tag}@velvet.example`),
    security: await createStaff(portal, Role.SecurityReviewer, `sec-${tag}@velvet.example`),
    models: Object.fromEntries(rows.map((r) => [r.slug, r.id])),
  };
}

/** A customer organisation, verified by an account manager unless told otherwise. */
export async function newOrganization(
  portal: RunningPortal,
  fx: ContractsFixture,
  name: string,
  verified = true,
): Promise<Session> {
  const admin = await signUp(
    portal,
    name,
    `admin@${name.toLowerCase().replace(/\W+/g, '')}-${randomUUID().slice(0, 6)}.example`,
  );
  if (verified) {
    await request(portal.url)
      .patch(`/organizations/${admin.organizationId}`)
      .set(bearer(fx.am1))
      .send({ verified: true })
      .expect(200);
  }
  return admin;
}

/** Metered spend as the gateway would record it (one usage row per call). */
export async function recordSpend(
  db: DataSource,
  organizationId: string,
  modelId: string,
  costMicros: bigint,
  occurredAt = new Date(),
  tier = 'standard',
): Promise<void> {
  let [key] = await db.query(
    `SELECT id FROM api_keys WHERE organization_id = $1 AND name = 'test-spend'`,
    [organizationId],
  );
  if (!key) {
    [key] = await db.query(
      `INSERT INTO api_keys (organization_id, name, lookup_id, secret_hash) VALUES ($1, 'test-spend', $2, 'x') RETURNING id`,
      [organizationId, randomUUID().replace(/-/g, '').slice(0, 12)],
    );
  }
  await db.query(
    `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens, cost_micros,
                                currency, latency_ms, status, occurred_at)
     VALUES ($1, $2, $3, $4, $5, 1000, 1000, $6, 'USD', 10, 'succeeded', $7)`,
    [randomUUID(), organizationId, key.id, modelId, tier, costMicros.toString(), occurredAt],
  );
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDaysUtc = (d: Date, days: number) => new Date(d.getTime() + days * 86_400_000);

/** Premium terms (50,000 USD a quarter for a year, starting in `startInDays`), with overrides. */
export const contractTerms = (overrides: Record<string, unknown> = {}, startInDays = 10) => ({
  tier: 'premium',
  minSpendMicros: '50000000000',
  periodMonths: 3,
  termStart: isoDay(addDaysUtc(new Date(), startInDays)),
  termEnd: isoDay(addDaysUtc(new Date(), startInDays + 365)),
  currency: 'USD',
  ...overrides,
});

/**
 * Files a contract request as `by` (for `by`'s own organisation unless `organizationId` is given;
 * submitted unless `submit: false`), expects 201 and returns the contract.
 */
export async function fileContract(
  portal: RunningPortal,
  by: Session,
  overrides: Record<string, unknown> = {},
  opts: { organizationId?: string | null; submit?: boolean; startInDays?: number } = {},
) {
  const orgId = opts.organizationId ?? by.organizationId;
  const res = await request(portal.url)
    .post(`/organizations/${orgId}/contracts`)
    .set(bearer(by))
    .send({ ...contractTerms(overrides, opts.startInDays), submit: opts.submit ?? true })
    .expect(201);
  return res.body;
}
