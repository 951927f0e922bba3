import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Session } from './http';
import type { RunningPortal } from './portal';
import type { MatrixRow, OrgFixture } from './access-matrix.table';

/** Per organisation: an expired 2020 contract whose four closed periods have statements. */
const expired = new Map<string, string>();
const MISSING = '00000000-0000-4000-8000-000000000002';

/**
 * Usage in both organisations (so a leak would carry figures, not empty lists) and a contract
 * whose commitment periods are all in the past. Written directly: the gateway and the contract
 * flow have their own suites.
 */
export async function prepareAnalyticsFixtures(
  portal: RunningPortal,
  orgs: { org: OrgFixture; admin: Session }[],
): Promise<void> {
  const db = portal.app.get(DataSource);
  const [model] = await db.query(`SELECT id FROM models ORDER BY slug LIMIT 1`);
  for (const { org } of orgs) {
    await db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
                                  cost_micros, currency, latency_ms, status, occurred_at)
       SELECT gen_random_uuid()::text, $1, $2, $3, 'standard', 10, 20, 30, 'USD', 5, 'succeeded', d
         FROM unnest(ARRAY['2020-02-01'::timestamptz, now() - interval '1 day']) AS d`,
      [org.orgId, org.apiKeyId, model.id],
    );
    const [c] = await db.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency,
                              status, requested_by, request_key)
       VALUES ($1, 'premium', 1000000, 3, '2020-01-01', '2020-12-31', 'USD', 'expired', $2, $3) RETURNING id`,
      [org.orgId, org.adminUserId, `matrix-${randomUUID()}`],
    );
    expired.set(org.orgId, c.id);
  }
}

const own = 'own' as const;
const all = 'all' as const;
const spendReaders = {
  [Role.PlatformAdmin]: all,
  [Role.AccountManager]: all,
  [Role.SecurityReviewer]: all,
  [Role.OrgAdmin]: own,
  [Role.OrgMember]: own,
};
const range = 'from=2020-01-01&to=2020-12-31';

export const ANALYTICS_MATRIX: MatrixRow[] = [
  {
    route: 'GET /organizations/:orgId/usage',
    path: (t) => `/organizations/${t.orgId}/usage?${range}&groupBy=key`,
    allow: spendReaders,
  },
  {
    route: 'GET /organizations/:orgId/usage/breakdown',
    path: (t) => `/organizations/${t.orgId}/usage/breakdown?${range}`,
    allow: spendReaders,
  },
  {
    route: 'GET /organizations/:orgId/usage/csv',
    path: (t) =>
      `/organizations/${t.orgId}/usage/csv?from=2020-02-01&to=2020-02-01&granularity=hour`,
    allow: spendReaders,
  },
  {
    route: 'GET /contracts/:contractId/statements/:index',
    path: (t) => `/contracts/${expired.get(t.orgId) ?? MISSING}/statements/0`,
    allow: { [Role.PlatformAdmin]: all, [Role.AccountManager]: all, [Role.OrgAdmin]: own },
  },
];
