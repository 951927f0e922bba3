import type { ConditionResult, Refusal, RefusalCode } from './explanation.view';

/** The first failing condition in this order is the reason given; the rest stay in `conditions`. */
const ORDER: ConditionResult['key'][] = [
  'organization_active',
  'not_suspended',
  'contract',
  'verified',
  'qualifying_spend',
  'account_age',
];

function codeOf(c: ConditionResult): RefusalCode {
  switch (c.key) {
    case 'organization_active':
      return 'organization_disabled';
    case 'not_suspended':
      return 'organization_suspended';
    case 'contract': {
      const state = (c.details as { state?: string; ended?: unknown } | undefined) ?? {};
      if (state.ended) return 'contract_ended';
      if (state.state === undefined) return 'no_unlock_rule';
      return state.state === 'none' ? 'contract_missing' : 'contract_pending';
    }
    case 'verified':
      return 'verification_missing';
    case 'qualifying_spend':
      return 'spend_short';
    case 'account_age':
    case 'grandfathered':
      return 'account_too_new';
  }
}

/**
 * The reason to tell a refused caller: organisation disabled before suspended before the contract
 * before verification before spend, so a disabled organisation never reads "spend short".
 */
export function refusalOf(conditions: readonly ConditionResult[]): Refusal | null {
  for (const key of ORDER) {
    const c = conditions.find((x) => x.key === key && !x.holds);
    if (c) return { code: codeOf(c), message: c.message };
  }
  return null;
}
