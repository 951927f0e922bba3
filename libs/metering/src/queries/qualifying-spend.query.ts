import type { EntityManager } from 'typeorm';
import { BILLED_USAGE_STATUSES } from '../entities/usage-record.entity';

export interface SpendWindow {
  organizationId: string;
  currency: string;
  /** Only usage of models in these tiers counts. */
  tiers: readonly string[];
  /** The window ends at `until` (inclusive) and starts `days` earlier (exclusive). */
  until: Date;
  days: number;
}

/**
 * An organisation's billed spend (micros) in a rolling window: metering's read port for other
 * libs (the entitlement evaluation counts spend on the provider's other offerings with it).
 */
export async function billedSpendMicros(em: EntityManager, w: SpendWindow): Promise<bigint> {
  const [{ total }] = await em.query(
    `SELECT COALESCE(SUM(cost_micros), 0)::text AS total FROM usage_records
      WHERE organization_id = $1 AND status = ANY($2) AND currency = $3 AND tier = ANY($4)
        AND occurred_at > $5::timestamptz - make_interval(days => $6) AND occurred_at <= $5::timestamptz`,
    [w.organizationId, BILLED_USAGE_STATUSES, w.currency, w.tiers, w.until.toISOString(), w.days],
  );
  return BigInt(total);
}
