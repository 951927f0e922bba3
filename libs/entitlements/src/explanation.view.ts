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
  | 'account_age';

export interface ConditionResult {
  key: ConditionKey;
  holds: boolean;
  message: string;
  details?: Record<string, unknown>;
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
}

export interface EntitlementExplanation<D = Date> {
  organizationId: string;
  evaluatedAt: D;
  models: ModelEntitlement[];
}
