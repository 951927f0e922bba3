import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { seedCatalog } from '../../scripts/seed/seed-catalog';
import type { MatrixRow, OrgFixture } from './access-matrix.table';
import { addDaysUtc, contractTerms, fileContract, isoDay } from './contracts-fixture';
import { bearer, createStaff, type Session } from './http';
import type { RunningPortal } from './portal';

/**
 * Matrix rows for catalog, unlock rules, contracts, statements, entitlements and suspensions.
 * Transitions can happen once per contract, so each call of such a row takes a fresh contract
 * from a per-organisation pool (made by `prepareContractFixtures`).
 */
interface Pools {
  draftId: string;
  drafts: string[];
  submitted: string[];
  active: string[];
}
const pools = new Map<string, Pools>();
let modelId = '00000000-0000-4000-8000-000000000000';
let tierRank = 0;
const MISSING = '00000000-0000-4000-8000-000000000001';
const take = (t: OrgFixture, pool: 'drafts' | 'submitted' | 'active') =>
  pools.get(t.orgId)?.[pool].shift() ?? MISSING;
const draftOf = (t: OrgFixture) => pools.get(t.orgId)?.draftId ?? MISSING;

/** Each transition row is called at most 11 times per organisation (anonymous + 5 roles x 2 sides). */
const POOL = 12;

export async function prepareContractFixtures(
  portal: RunningPortal,
  orgs: { org: OrgFixture; admin: Session }[],
): Promise<void> {
  await seedCatalog(portal.app.get(DataSource));
  [{ id: modelId }] = await portal.app
    .get(DataSource)
    .query(`SELECT id FROM models WHERE slug = 'velvet-lite-1'`);
  const reviewer = await createStaff(
    portal,
    Role.AccountManager,
    `matrix-reviewer-${randomUUID().slice(0, 8)}@velvet.test`,
  );
  for (const { org, admin } of orgs) {
    // one binding contract per organisation, tier and day: every contract that may be approved
    // gets a two-day term of its own (approved ones stay terminable), so no approval overlaps
    let slot = 0;
    const make = async (submit: boolean, startInDays = 10 + 2 * slot++) =>
      (
        await fileContract(
          portal,
          admin,
          { termEnd: isoDay(addDaysUtc(new Date(), startInDays + 1)) },
          { organizationId: org.orgId, submit, startInDays },
        )
      ).id as string;
    const p: Pools = { draftId: await make(false), drafts: [], submitted: [], active: [] };
    for (let i = 0; i < POOL; i++) p.drafts.push(await make(false));
    for (let i = 0; i < POOL * 3; i++) p.submitted.push(await make(true));
    for (let i = 0; i < POOL; i++) {
      const id = await make(true);
      await request(portal.url)
        .post(`/contracts/${id}/approve`)
        .set(bearer(reviewer))
        .send({})
        .expect(200);
      p.active.push(id);
    }
    pools.set(org.orgId, p);
  }
}

const all = 'all' as const;
const own = 'own' as const;
const everyone = {
  [Role.PlatformAdmin]: all,
  [Role.AccountManager]: all,
  [Role.SecurityReviewer]: all,
  [Role.OrgAdmin]: all,
  [Role.OrgMember]: all,
};
const staff = {
  [Role.PlatformAdmin]: all,
  [Role.AccountManager]: all,
  [Role.SecurityReviewer]: all,
};
const reviewers = { [Role.AccountManager]: all };
const requesters = { [Role.OrgAdmin]: own, [Role.AccountManager]: all };

export const CONTRACT_MATRIX: MatrixRow[] = [
  { route: 'GET /catalog/models', path: () => '/catalog/models', allow: everyone },
  {
    route: 'GET /catalog/models/:modelId',
    path: () => `/catalog/models/${modelId}`,
    allow: everyone,
  },
  { route: 'GET /catalog/tiers', path: () => '/catalog/tiers', allow: everyone },
  {
    route: 'POST /catalog/tiers',
    path: () => '/catalog/tiers',
    body: () => ({
      name: `t${randomUUID().slice(0, 8)}`,
      displayName: 'T',
      rank: 1000 + ++tierRank,
      gated: true,
    }),
    allow: { [Role.PlatformAdmin]: all },
  },
  {
    route: 'POST /catalog/models',
    path: () => '/catalog/models',
    body: () => ({
      slug: `m-${randomUUID().slice(0, 8)}`,
      displayName: 'M',
      tier: 'standard',
      inputPriceMicrosPerMTok: '1',
      outputPriceMicrosPerMTok: '1',
      upstream: { kind: 'simulator' },
    }),
    allow: { [Role.PlatformAdmin]: all },
  },
  {
    route: 'PATCH /catalog/models/:modelId',
    path: () => `/catalog/models/${modelId}`,
    body: () => ({ displayName: 'Velvet Lite 1', reason: 'matrix' }),
    allow: { [Role.PlatformAdmin]: all },
  },
  { route: 'GET /unlock-rules', path: () => '/unlock-rules', allow: staff },
  { route: 'GET /unlock-rules/:tier', path: () => '/unlock-rules/premium', allow: staff },
  {
    route: 'PUT /unlock-rules/:tier',
    path: () => '/unlock-rules/premium',
    body: () => ({ reason: 'matrix' }),
    allow: { [Role.PlatformAdmin]: all },
  },
  {
    route: 'POST /unlock-rules/:tier/preview',
    path: () => '/unlock-rules/premium/preview',
    body: () => ({ minQualifyingSpendMicros: '1' }),
    allow: { [Role.PlatformAdmin]: all },
  },
  {
    route: 'GET /unlock-rules/:tier/changes',
    path: () => '/unlock-rules/premium/changes',
    allow: staff,
  },
  {
    route: 'POST /organizations/:orgId/contracts',
    path: (t) => `/organizations/${t.orgId}/contracts`,
    body: () => contractTerms(),
    allow: requesters,
  },
  { route: 'GET /contracts', path: () => '/contracts', allow: { ...staff, [Role.OrgAdmin]: all } },
  {
    route: 'GET /contracts/:contractId',
    path: (t) => `/contracts/${draftOf(t)}`,
    allow: { ...staff, [Role.OrgAdmin]: own },
  },
  {
    route: 'PATCH /contracts/:contractId',
    path: (t) => `/contracts/${draftOf(t)}`,
    body: () => ({ notes: 'matrix' }),
    allow: requesters,
  },
  {
    route: 'POST /contracts/:contractId/submit',
    path: (t) => `/contracts/${take(t, 'drafts')}/submit`,
    allow: requesters,
  },
  {
    route: 'POST /contracts/:contractId/approve',
    path: (t) => `/contracts/${take(t, 'submitted')}/approve`,
    body: () => ({}),
    allow: reviewers,
  },
  {
    route: 'POST /contracts/:contractId/reject',
    path: (t) => `/contracts/${take(t, 'submitted')}/reject`,
    body: () => ({ reason: 'matrix' }),
    allow: reviewers,
  },
  {
    route: 'POST /contracts/:contractId/request-changes',
    path: (t) => `/contracts/${take(t, 'submitted')}/request-changes`,
    body: () => ({ reason: 'matrix' }),
    allow: reviewers,
  },
  {
    route: 'POST /contracts/:contractId/terminate',
    path: (t) => `/contracts/${take(t, 'active')}/terminate`,
    body: () => ({ reason: 'matrix' }),
    allow: reviewers,
  },
  {
    route: 'GET /contracts/:contractId/transitions',
    path: (t) => `/contracts/${draftOf(t)}/transitions`,
    allow: { ...staff, [Role.OrgAdmin]: own },
  },
  {
    route: 'GET /contracts/:contractId/statements',
    path: (t) => `/contracts/${draftOf(t)}/statements`,
    allow: { [Role.PlatformAdmin]: all, [Role.AccountManager]: all, [Role.OrgAdmin]: own },
  },
  {
    route: 'GET /organizations/:orgId/statements',
    path: (t) => `/organizations/${t.orgId}/statements`,
    allow: { [Role.PlatformAdmin]: all, [Role.AccountManager]: all, [Role.OrgAdmin]: own },
  },
  {
    route: 'GET /organizations/:orgId/entitlements',
    path: (t) => `/organizations/${t.orgId}/entitlements`,
    allow: { ...staff, [Role.OrgAdmin]: own, [Role.OrgMember]: own },
  },
  {
    route: 'GET /organizations/:orgId/suspensions',
    path: (t) => `/organizations/${t.orgId}/suspensions`,
    allow: { [Role.SecurityReviewer]: all },
  },
  // suspend precedes restore in the table, so the reviewer's restore always finds an open suspension
  {
    route: 'POST /organizations/:orgId/suspension',
    path: (t) => `/organizations/${t.orgId}/suspension`,
    body: () => ({ reason: 'matrix' }),
    allow: { [Role.SecurityReviewer]: all },
  },
  {
    route: 'GET /organizations/:orgId/throttles',
    path: (t) => `/organizations/${t.orgId}/throttles`,
    allow: { [Role.SecurityReviewer]: all },
  },
  {
    route: 'POST /organizations/:orgId/throttles/lift',
    path: (t) => `/organizations/${t.orgId}/throttles/lift`,
    body: () => ({ reason: 'matrix: lift the organisation throttle' }),
    allow: { [Role.SecurityReviewer]: all },
  },
  {
    route: 'POST /organizations/:orgId/suspension/restore',
    path: (t) => `/organizations/${t.orgId}/suspension/restore`,
    body: () => ({ reason: 'matrix' }),
    allow: { [Role.SecurityReviewer]: all },
  },
];
