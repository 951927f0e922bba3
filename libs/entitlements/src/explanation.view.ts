/**
 * What `GET /organizations/:orgId/entitlements` answers. Free of imports so the web portal shares
 * these types (as it does the Merkle verifier); `D` is `Date` on the server and `string` on the wire.
 */
export type ConditionKey =
  | 'organization_active'
  | 'contract'
  | 'qualifying_spend'
  | 'verified'
  | 'not_suspended'
  | 'account_age'
  /** Not a requirement: says that failing thresholds are waived until a date (a rule change's grandfathering). */
  | 'grandfathered';

export interface ConditionResult {
  key: ConditionKey;
  holds: boolean;
  message: string;
  details?: Record<string, unknown>;
}

/** Why a call is refused, most fundamental first; the gateway's 403 carries the same code. */
export type RefusalCode =
  | 'organization_disabled'
  | 'organization_suspended'
  | 'contract_ended'
  | 'contract_pending'
  | 'contract_missing'
  | 'verification_missing'
  | 'spend_short'
  | 'account_too_new'
  | 'no_unlock_rule'
  /** The rule holds now; the gateway applies it within a second. */
  | 'entitlement_pending';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export interface ModelEntitlement {
  modelId: string;
  slug: string;
  displayName: string;
  tier: string;
  gated: boolean;
  /** What the rules say now. */
  unlocked: boolean;
  /** What the gateway enforces (the materialised result); equal to `unlocked` once evaluation caught up. */
  enforced: boolean;
  /** For gated models: each condition of the tier's rule, holding or not, with the numbers. */
  conditions: ConditionResult[];
  /** Why a call to this model is refused now (null when it is served). */
  refusal: Refusal | null;
}

export interface EntitlementExplanation<D = Date> {
  organizationId: string;
  evaluatedAt: D;
  models: ModelEntitlement[];
}
