import type { EntityManager } from 'typeorm';

/**
 * The committed amount (micros) above which a contract for `tier` needs two approvals, from the
 * tier's unlock rule; null when the tier has no rule. Entitlements' read port for contracts.
 */
export async function dualApprovalAboveMicros(
  em: EntityManager,
  tier: string,
): Promise<bigint | null> {
  const [rule] = await em.query(
    `SELECT dual_approval_above_micros::text AS above FROM unlock_rules WHERE tier = $1`,
    [tier],
  );
  return rule ? BigInt(rule.above) : null;
}
