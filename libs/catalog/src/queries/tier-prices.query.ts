import type { EntityManager } from 'typeorm';

export interface TierPrice {
  tier: string;
  /** Mean over the tier's active models of (input + output price) / 2, micros per million tokens. */
  meanPriceMicrosPerMTok: number;
}

/** A typical token price per tier: the catalog's read port (detection turns commitments into tokens). */
export async function tierMeanPrices(
  em: EntityManager,
  tiers: readonly string[],
): Promise<TierPrice[]> {
  const rows: { tier: string; price: number }[] = await em.query(
    `SELECT tier, avg((input_price_micros_per_mtok + output_price_micros_per_mtok) / 2.0)::float8 AS price
       FROM models WHERE status = 'active' AND tier = ANY($1::text[]) GROUP BY tier`,
    [tiers],
  );
  return rows.map((r) => ({ tier: r.tier, meanPriceMicrosPerMTok: Number(r.price) }));
}
