import { NotFoundError } from '@velvet/common';
import type { EntityManager } from 'typeorm';
import type { ContractFacts } from './contract-facts.port';
import { UnlockRule } from './entities/unlock-rule.entity';
import type { ContractStanding, RuleTerms, TierFacts } from './unlock-evaluation';
import { tierRanks } from '@velvet/catalog';
import { billedSpendMicros } from '@velvet/metering';
import { organizationStanding } from '@velvet/organizations';

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
  /** The contracts lib's read port (the engine's injected `CONTRACT_FACTS`). */
  contractFacts: ContractFacts,
  /** Proposed rules to evaluate instead of the ones in force (a rule change's preview). */
  overrides: ReadonlyMap<string, RuleTerms> = new Map(),
): Promise<OrganizationFacts> {
  const org = await organizationStanding(em, organizationId);
  if (!org) throw new NotFoundError('Organization');
  const [{ suspended }] = await em.query(
    `SELECT EXISTS (SELECT 1 FROM organization_suspensions WHERE organization_id = $1 AND restored_at IS NULL) AS suspended`,
    [organizationId],
  );
  const allTiers = await tierRanks(em);
  const tiers = allTiers.filter((t) => t.gated);
  const rankOf = new Map(tiers.map((t) => [t.name, t.rank]));
  const inForce: RuleTerms[] = await em.find(UnlockRule);
  const rules = inForce.filter((r) => !overrides.has(r.tier)).concat([...overrides.values()]);
  const today = now.toISOString().slice(0, 10);
  // contracts of gated tiers, with the tier's rank, through the contracts lib's port
  const facts = await contractFacts.ofOrganization(em, organizationId);
  const contracts: ContractRow[] = facts.flatMap((c) => {
    const rank = rankOf.get(c.tier);
    if (rank === undefined) return [];
    const { termStart, termEnd, requiredApprovals, endedOn, ...rest } = c;
    const row = { term_start: termStart, term_end: termEnd, ended_on: endedOn };
    return [{ ...rest, ...row, rank, required_approvals: requiredApprovals }];
  });
  // organisations kept on an earlier rule until their (still active) contract's term ends
  const active = new Set(facts.filter((c) => c.status === 'active').map((c) => c.id));
  const kept: { tier: string; contract_id: string; until: string }[] = await em.query(
    `SELECT tier, contract_id, until::text AS until FROM unlock_rule_grandfathering
      WHERE organization_id = $1 AND until >= $2::date`,
    [organizationId, today],
  );
  const keptUntil = new Map<string, string>();
  for (const k of kept) {
    const later = (keptUntil.get(k.tier) ?? '') < k.until;
    if (active.has(k.contract_id) && later) keptUntil.set(k.tier, k.until);
  }
  // qualifying spend is spend on the provider's other offerings: models of tiers that are not gated
  const openTiers = allTiers.filter((t) => !t.gated).map((t) => t.name);
  const spend = new Map<string, bigint>();
  for (const rule of rules) {
    const key = `${rule.currency}:${rule.spendWindowDays}`;
    if (spend.has(key)) continue;
    spend.set(
      key,
      await billedSpendMicros(em, {
        organizationId,
        currency: rule.currency,
        tiers: openTiers,
        until: now,
        days: rule.spendWindowDays,
      }),
    );
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
      organizationCreatedAt: org.createdAt,
      suspended,
      qualifyingSpendMicros: tier.rule
        ? (spend.get(`${tier.rule.currency}:${tier.rule.spendWindowDays}`) ?? 0n)
        : 0n,
      contract: standingFor(contracts, tier.rank, today),
      grandfatheredUntil: keptUntil.get(tier.name) ?? null,
    }),
  };
}
