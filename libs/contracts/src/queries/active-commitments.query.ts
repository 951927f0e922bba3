import type { EntityManager } from 'typeorm';

/** What an active contract commits its organisation to spend, per period. */
export interface ActiveCommitment {
  organizationId: string;
  contractId: string;
  tier: string;
  minSpendMicros: bigint;
  periodMonths: number;
}

/**
 * The active contracts of the given organisations: the contracts lib's read port for other libs
 * (detection holds traffic to what the customer committed to), on the caller's EntityManager.
 */
export async function activeCommitments(
  em: EntityManager,
  organizationIds: readonly string[],
): Promise<ActiveCommitment[]> {
  const rows: { organization_id: string; id: string; tier: string; min: string; months: number }[] =
    await em.query(
      `SELECT organization_id, id, tier, min_spend_micros::text AS min, period_months AS months
         FROM contracts WHERE status = 'active' AND organization_id = ANY($1::uuid[])`,
      [organizationIds],
    );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    contractId: r.id,
    tier: r.tier,
    minSpendMicros: BigInt(r.min),
    periodMonths: r.months,
  }));
}
