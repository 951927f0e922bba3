import type { Micros } from '@velvet/common';
import { formatMicrosExact } from './exact-amount';
import type { ConditionResult, Refusal } from './explanation.view';
import { refusalOf } from './refusal';

/** The parts of an unlock rule the evaluation needs (a plain object, so it is testable alone). */
export interface RuleTerms {
  tier: string;
  requiresContract: boolean;
  minQualifyingSpendMicros: Micros;
  spendWindowDays: number;
  currency: string;
  requiresVerified: boolean;
  requiresNotSuspended: boolean;
  minAccountAgeDays: number;
}

/** Where the organisation stands with contracts covering one tier, best standing first. */
export type ContractStanding =
  | { state: 'active'; contractId: string; tier: string; endsOn: string }
  | { state: 'approved'; contractId: string; tier: string; startsOn: string }
  | {
      state: 'submitted' | 'changes_requested' | 'draft';
      contractId: string;
      tier: string;
      /** Approvals so far in the current review round, and how many it needs (four-eyes: 2). */
      approvals?: number;
      requiredApprovals?: number;
    }
  /**
   * `activeLowerTier`: an active contract exists, but for a lower tier only. `ended`: the latest
   * covering contract that ended (expired, terminated, or past its term before the sweep saw it).
   */
  | {
      state: 'none';
      activeLowerTier?: string;
      ended?: { contractId: string; tier: string; status: 'expired' | 'terminated'; on: string };
    };

export interface TierFacts {
  now: Date;
  organizationActive: boolean;
  verified: boolean;
  organizationCreatedAt: Date;
  suspended: boolean;
  /** Succeeded spend on non-gated tiers, in the rule's currency, over the rule's trailing window. */
  qualifyingSpendMicros: Micros;
  contract: ContractStanding;
  /** Kept on the rule before a grandfathering change until this day (inclusive), if at all. */
  grandfatheredUntil?: string | null;
}

/**
 * What grandfathering waives: the thresholds a rule change tightens. Never the organisation's
 * standing (disabled, suspended) nor its contract: those end grandfathering too.
 */
const WAIVABLE = new Set(['qualifying_spend', 'account_age', 'verified']);

export type { ConditionKey, ConditionResult, Refusal, RefusalCode } from './explanation.view';

export interface TierEvaluation {
  tier: string;
  unlocked: boolean;
  conditions: ConditionResult[];
  /** While locked: the one reason to tell first (see `refusalOf`). */
  refusal: Refusal | null;
  /** While unlocked through a contract: the moment its term ends (access lapses then, sweep or not). */
  validUntil?: Date | null;
}

/** The first moment after an inclusive `YYYY-MM-DD` UTC last day. */
export const endOfDay = (day: string): Date => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS);

const DAY_MS = 86_400_000;

function contractCondition(standing: ContractStanding): ConditionResult {
  switch (standing.state) {
    case 'active':
      return {
        key: 'contract',
        holds: true,
        message: `active ${standing.tier} contract until ${standing.endsOn}`,
        details: { ...standing },
      };
    case 'approved':
      return {
        key: 'contract',
        holds: false,
        message: `contract approved, starts on ${standing.startsOn}`,
        details: { ...standing },
      };
    case 'submitted':
      return {
        key: 'contract',
        holds: false,
        // 0 approvals is a count too: "0 of 2 approvals" tells the customer a second reviewer is needed
        message:
          standing.requiredApprovals !== undefined && standing.requiredApprovals !== null
            ? `contract pending approval (${standing.approvals ?? 0} of ${standing.requiredApprovals} approvals)`
            : 'contract pending approval',
        details: { ...standing },
      };
    case 'changes_requested':
      return {
        key: 'contract',
        holds: false,
        message: 'contract returned for changes',
        details: { ...standing },
      };
    case 'draft':
      return {
        key: 'contract',
        holds: false,
        message: 'contract drafted, not yet submitted',
        details: { ...standing },
      };
    case 'none':
      return {
        key: 'contract',
        holds: false,
        message: standing.ended
          ? `the ${standing.ended.tier} contract ${standing.ended.status === 'terminated' ? 'was terminated' : 'ended'} on ${standing.ended.on}`
          : standing.activeLowerTier
            ? `no contract covering this tier (the active ${standing.activeLowerTier} contract covers lower tiers only)`
            : 'no contract covering this tier',
        details: { ...standing },
      };
  }
}

/**
 * Decides one tier for one organisation. Pure: unlocked exactly when every condition the
 * rule switches on holds (and the organisation itself is active).
 */
export function evaluateTier(rule: RuleTerms, facts: TierFacts): TierEvaluation {
  const conditions: ConditionResult[] = [
    {
      key: 'organization_active',
      holds: facts.organizationActive,
      message: facts.organizationActive ? 'organisation active' : 'organisation disabled',
    },
  ];
  if (rule.requiresContract) conditions.push(contractCondition(facts.contract));
  if (rule.minQualifyingSpendMicros > 0n) {
    const spent = facts.qualifyingSpendMicros;
    const min = rule.minQualifyingSpendMicros;
    // exact amounts: a locked state must never read as met ("1.00 of 1.00" while 8 micros short)
    const short = min - spent;
    conditions.push({
      key: 'qualifying_spend',
      holds: spent >= min,
      message:
        `spent ${formatMicrosExact(spent, '')} of ${formatMicrosExact(min, rule.currency)} in the last ${rule.spendWindowDays} days` +
        (short > 0n ? `; ${formatMicrosExact(short, rule.currency)} to go` : ''),
      details: {
        spentMicros: spent,
        thresholdMicros: min,
        remainingMicros: spent >= min ? 0n : min - spent,
        currency: rule.currency,
        windowDays: rule.spendWindowDays,
      },
    });
  }
  if (rule.requiresVerified) {
    conditions.push({
      key: 'verified',
      holds: facts.verified,
      message: facts.verified ? 'organisation verified' : 'organisation not yet verified',
    });
  }
  if (rule.requiresNotSuspended) {
    conditions.push({
      key: 'not_suspended',
      holds: !facts.suspended,
      message: facts.suspended ? 'premium access suspended by security' : 'not suspended',
    });
  }
  if (rule.minAccountAgeDays > 0) {
    const ageDays = Math.floor(
      (facts.now.getTime() - facts.organizationCreatedAt.getTime()) / DAY_MS,
    );
    conditions.push({
      key: 'account_age',
      holds: ageDays >= rule.minAccountAgeDays,
      message: `account is ${ageDays} of ${rule.minAccountAgeDays} days old`,
      details: { ageDays, minDays: rule.minAccountAgeDays },
    });
  }
  let unlocked = conditions.every((c) => c.holds);
  let validUntil =
    unlocked && rule.requiresContract && facts.contract.state === 'active'
      ? endOfDay(facts.contract.endsOn)
      : null;
  const kept = facts.grandfatheredUntil;
  if (!unlocked && kept && conditions.every((c) => c.holds || WAIVABLE.has(c.key))) {
    conditions.push({
      key: 'grandfathered',
      holds: true,
      message: `kept on the previous unlock rule until ${kept} (the end of the contract's term)`,
      details: { until: kept },
    });
    unlocked = true;
    validUntil = endOfDay(kept);
  }
  return {
    tier: rule.tier,
    unlocked,
    conditions,
    refusal: unlocked ? null : refusalOf(conditions),
    validUntil,
  };
}
