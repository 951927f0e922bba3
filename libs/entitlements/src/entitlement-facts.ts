import { NotFoundError } from '@velvet/common';
import type { EntityManager } from 'typeorm';
import { UnlockRule } from './entities/unlock-rule.entity';
import type { ContractStanding, RuleTerms, TierFacts } from './unlock-evaluation';
import { BILLED_USAGE_STATUSES } from '@velvet/metering';

export interface GatedTier {
  name: string;
  rank: number;
  rule: RuleTerms | null;
}

export interface OrganizationFacts {
  gatedTiers: GatedTier[];
  factsFor(tier: GatedTier): TierFacts;
}

interface ContractRow {
  id: string;
  tier: string;
  rank: number;
  status: string;
  term_start: string;
  term_end: string;
  approvals?: number;
  required_approvals?: number;
  /** For expired and terminated contracts: the day access ended. */
  ended_on?: string | null;
}

const STANDING_ORDER = ['active', 'approved', 'submitted', 'changes_requested', 'draft'];

/** The best standing among contracts whose tier covers `rank` (same or higher gated rank). */
export function standingFor(
  contracts: ContractRow[],
  rank: number,
  today: string,
): ContractStanding {
  // a term that is over ended the contract, even before the lifecycle sweep marks it expired
  const lapsed = (c: ContractRow) =>
    (c.status === 'active' || c.status === 'approved') && c.term_end < today;
  const covering = contracts.filter((c) => c.rank >= rank && !lapsed(c));
  for (const state of STANDING_ORDER) {
    const c = covering.find((x) => x.status === state);
    if (!c) continue;
    if (state === 'active')
      return { state: 'active', contractId: c.id, tier: c.tier, endsOn: c.term_end };
    if (state === 'approved')
      return { state: 'approved', contractId: c.id, tier: c.tier, startsOn: c.term_start };
    return {
      state: state as 'submitted',
      contractId: c.id,
      tier: c.tier,
      approvals: c.approvals,
      requiredApprovals: c.required_approvals,
    };
  }
  const lower = contracts.find(
    (c) => c.status === 'active' && c.rank < rank && c.term_end >= today,
  );
  const ended = contracts
    .filter(
      (c) => c.rank >= rank && (c.status === 'expired' || c.status === 'terminated' || lapsed(c)),
    )
    .map((c) => ({
      contractId: c.id,
      tier: c.tier,
      status: c.status === 'terminated' ? ('terminated' as const) : ('expired' as const),
      on:
        c.status === 'terminated' || c.status === 'expired'
          ? (c.ended_on ?? c.term_end)
          : c.term_end,
    }))
    .sort((a, b) => (a.on < b.on ? 1 : a.on > b.on ? -1 : 0))[0];
  return {
    state: 'none',
    ...(lower ? { activeLowerTier: lower.tier } : {}),
    ...(ended ? { ended } : {}),
  };
}

/**
 * Everything the rules look at for one organisation, read in the caller's transaction
 * (the engine holds the organisation's advisory lock, so reads and the write agree).
 */
export async function loadOrganizationFacts(
  em: EntityManager,
  organizationId: string,
  now: Date,
  /** Proposed rules to evaluate instead of the ones in force (a rule change's preview). */
  overrides: ReadonlyMap<string, RuleTerms> = new Map(),
): Promise<OrganizationFacts> {
  const [org] = await em.query(
    `SELECT status, verified, created_at FROM organizations WHERE id = $1`,
    [organizationId],
  );
  if (!org) throw new NotFoundError('Organization');
  const [{ suspended }] = await em.query(
    `SELECT EXISTS (SELECT 1 FROM organization_suspensions WHERE organization_id = $1 AND restored_at IS NULL) AS suspended`,
    [organizationId],
  );
  const tiers: { name: string; rank: number }[] = await em.query(
    `SELECT name, rank FROM model_tiers WHERE gated ORDER BY rank`,
  );
  const inForce: RuleTerms[] = await em.find(UnlockRule);
  const rules = inForce.filter((r) => !overrides.has(r.tier)).concat([...overrides.values()]);
  const today = now.toISOString().slice(0, 10);
  // organisations kept on an earlier rule until their contract's term ends (a change with grandfathering)
  const kept: { tier: string; until: string }[] = await em.query(
    `SELECT g.tier, max(g.until)::text AS until FROM unlock_rule_grandfathering g
       JOIN contracts c ON c.id = g.contract_id AND c.status = 'active'
      WHERE g.organization_id = $1 AND g.until >= $2::date GROUP BY g.tier`,
    [organizationId, today],
  );
  const keptUntil = new Map(kept.map((k) => [k.tier, k.until]));
  const contracts: ContractRow[] = await em.query(
    `SELECT c.id, c.tier, t.rank, c.status, c.term_start::text AS term_start, c.term_end::text AS term_end,
            c.required_approvals,
            (SELECT count(*)::int FROM contract_approvals a WHERE a.contract_id = c.id AND a.round = c.review_round) AS approvals,
            CASE c.status
              WHEN 'terminated' THEN (SELECT (max(x.occurred_at) AT TIME ZONE 'UTC')::date::text FROM contract_transitions x
                                       WHERE x.contract_id = c.id AND x.to_status = 'terminated')
              WHEN 'expired' THEN c.term_end::text END AS ended_on
       FROM contracts c JOIN model_tiers t ON t.name = c.tier AND t.gated
      WHERE c.organization_id = $1 AND c.status IN ('draft', 'submitted', 'changes_requested', 'approved', 'active', 'expired', 'terminated')`,
    [organizationId],
  );
  const spend = new Map<string, bigint>();
  for (const rule of rules) {
    const key = `${rule.currency}:${rule.spendWindowDays}`;
    if (spend.has(key)) continue;
    const [{ total }] = await em.query(
      `SELECT COALESCE(SUM(u.cost_micros), 0)::text AS total
         FROM usage_records u JOIN model_tiers t ON t.name = u.tier AND NOT t.gated
        WHERE u.organization_id = $1 AND u.status = ANY($5) AND u.currency = $2
          AND u.occurred_at > $3::timestamptz - make_interval(days => $4) AND u.occurred_at <= $3::timestamptz`,
      [
        organizationId,
        rule.currency,
        now.toISOString(),
        rule.spendWindowDays,
        BILLED_USAGE_STATUSES,
      ],
    );
    spend.set(key, BigInt(total));
  }
  const ruleByTier = new Map(rules.map((r) => [r.tier, r]));
  return {
    gatedTiers: tiers.map((t) => ({
      name: t.name,
      rank: t.rank,
      rule: ruleByTier.get(t.name) ?? null,
    })),
    factsFor: (tier) => ({
      now,
      organizationActive: org.status === 'active',
      verified: org.verified,
      organizationCreatedAt: new Date(org.created_at),
      suspended,
      qualifyingSpendMicros: tier.rule
        ? (spend.get(`${tier.rule.currency}:${tier.rule.spendWindowDays}`) ?? 0n)
        : 0n,
      contract: standingFor(contracts, tier.rank, today),
      grandfatheredUntil: keptUntil.get(tier.name) ?? null,
    }),
  };
}
