/** Job of the Entitlements queue: re-evaluate one organisation (or every organisation: `*`). */
export const EVALUATE_ENTITLEMENTS_JOB = 'evaluate';

export interface EvaluateEntitlementsPayload {
  organizationId: string;
  reason: string;
}

/** Job of the Entitlements queue: apply unlock-rule changes whose effective time has come. */
export const APPLY_RULE_CHANGES_JOB = 'apply-rule-changes';

/** Everyone: used after a catalog or rule change, which can affect every organisation. */
export const ALL_ORGANIZATIONS = '*';

/**
 * Bursts of usage coalesce into one evaluation: requests for an organisation while its job
 * waits are dropped; one arriving while it runs schedules exactly one follow-up.
 */
export const EVALUATION_DELAY_MS = 150;

/** Channel on which evaluations announce changed results. Pub/sub channels are not key-prefixed. */
export const entitlementsChannel = (keyPrefix: string): string =>
  `${keyPrefix}entitlements:changed`;

/** Safety net if a pub/sub message is lost without a reconnect: cached entries expire anyway. */
export const ENTITLEMENT_CACHE_TTL_MS = 30_000;
