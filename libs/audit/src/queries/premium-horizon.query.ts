import type { EntityManager } from 'typeorm';

/**
 * The audit lib's read port for long-horizon detection: premium calls per organisation over hours,
 * read with index look-ups and per-organisation limits (one LATERAL probe per organisation, or per
 * organisation and hour), so a run's cost grows with organisations and calls, never with their
 * square. The statements are tuned against the log's indexes; keep their shape when editing.
 *
 * Two of them combine the log with the caller's record of prompt-band sightings, in the same
 * statement so the plan stays one pass: the caller names its relation (`sightings`), which must
 * have the columns `(organization_id uuid, band, first_seen timestamptz, last_seen timestamptz)`
 * and a unique key on `(organization_id, band)`.
 */

/** A served premium call as the horizon readers see it (snake_case, as Postgres returns it). */
export interface HorizonCallRow {
  organization_id: string;
  api_key_id: string;
  occurred_at: Date;
  params: Record<string, unknown> | null;
  input_tokens: number | null;
  output_tokens: number | null;
  flags: string[];
  /** Comma-separated (array_to_string): split and Number() parse far faster than a Postgres array literal. */
  prompt_minhash: string | null;
  /** The call's first `bandsKept` prompt bands, and those of them the organisation had sent before it (null in samples). */
  bands: string[] | null;
  seen: string[] | null;
}

export type KeyCallRow = Pick<
  HorizonCallRow,
  'organization_id' | 'api_key_id' | 'params' | 'flags'
>;

const CALL_COLUMNS = `a.organization_id, a.api_key_id, a.occurred_at, a.params, a.input_tokens, a.output_tokens, a.flags, array_to_string(a.prompt_minhash, ',') AS prompt_minhash`;
const RELATION = /^[a-z_][a-z0-9_]*$/;

/** The caller's relation name is spliced into SQL: only a plain identifier is accepted. */
function relation(name: string): string {
  if (!RELATION.test(name)) throw new Error(`not a relation name: ${name}`);
  return name;
}

const count = (n: number): number => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a count: ${n}`);
  return n;
};

/**
 * Folds the first `bandsKept` prompt bands of the premium calls in (from, to] into `into`: per
 * organisation and band, the earliest and latest sighting. Idempotent; a row whose last sighting
 * is less than `refreshHours` old is not rewritten (write amplification).
 */
export async function recordPremiumBandSightings(
  em: EntityManager,
  q: { into: string; from: Date; to: Date; bandsKept: number; refreshHours: number },
): Promise<void> {
  await em.query(
    `INSERT INTO ${relation(q.into)} AS b (organization_id, band, first_seen, last_seen)
       SELECT a.organization_id, x.band, min(a.occurred_at), max(a.occurred_at)
         FROM audit_log a CROSS JOIN LATERAL unnest(a.prompt_bands[1:${count(q.bandsKept)}]) AS x(band)
        WHERE a.kind = 'premium_call' AND a.occurred_at > $1 AND a.occurred_at <= $2 AND a.organization_id IS NOT NULL
        GROUP BY a.organization_id, x.band
       ON CONFLICT (organization_id, band) DO UPDATE
          SET first_seen = LEAST(b.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(b.last_seen, EXCLUDED.last_seen)
        WHERE EXCLUDED.first_seen < b.first_seen OR EXCLUDED.last_seen > b.last_seen + interval '${count(q.refreshHours)} hours'`,
    [q.from, q.to],
  );
}

/**
 * Each organisation's served calls in (from, to], newest first up to `limit` per organisation,
 * with their bands and those of them `sightings` records as first seen before the call.
 */
export function premiumCallsWithSeenBands(
  em: EntityManager,
  q: {
    organizationIds: readonly string[];
    from: Date;
    to: Date;
    limit: number;
    bandsKept: number;
    sightings: string;
  },
): Promise<HorizonCallRow[]> {
  const bands = count(q.bandsKept);
  return em.query(
    `SELECT h.* FROM unnest($1::uuid[]) AS o(id) CROSS JOIN LATERAL (
         SELECT ${CALL_COLUMNS}, a.prompt_bands[1:${bands}]::text[] AS bands,
                ARRAY(SELECT x.band::text
                   FROM unnest(a.prompt_bands[1:${bands}]) AS x(band)
                   JOIN ${relation(q.sightings)} b ON b.organization_id = a.organization_id AND b.band = x.band
                  WHERE b.first_seen < a.occurred_at) AS seen
           FROM audit_log a
          WHERE a.organization_id = o.id AND a.kind = 'premium_call' AND a.status IN ('succeeded', 'cancelled', 'interrupted')
            AND a.occurred_at > $2 AND a.occurred_at <= $3
          ORDER BY a.occurred_at DESC LIMIT ${count(q.limit)}) h`,
    [q.organizationIds, q.from, q.to],
  );
}

/**
 * Up to `perHour` served calls (the latest) of each organisation from each of the `hours` whole
 * hours ending at `before`: one index probe per organisation and hour. `hours` is spliced as a
 * constant, so the planner knows the series length.
 */
export function premiumCallsPerHour(
  em: EntityManager,
  q: {
    organizationIds: readonly string[];
    before: Date;
    hours: number;
    perHour: number;
  },
): Promise<HorizonCallRow[]> {
  return em.query(
    `SELECT h.* FROM unnest($1::uuid[]) AS o(id) CROSS JOIN generate_series(1, ${count(q.hours)}) AS g(i) CROSS JOIN LATERAL (
         SELECT ${CALL_COLUMNS}, NULL::text[] AS bands, NULL::text[] AS seen
           FROM audit_log a
          WHERE a.organization_id = o.id AND a.kind = 'premium_call' AND a.status IN ('succeeded', 'cancelled', 'interrupted')
            AND a.occurred_at > $2::timestamptz - g.i * interval '1 hour' AND a.occurred_at <= $2::timestamptz - (g.i - 1) * interval '1 hour'
          ORDER BY a.occurred_at DESC LIMIT ${count(q.perHour)}) h`,
    [q.organizationIds, q.before],
  );
}

/** Each organisation's served calls in (from, to], newest first up to `limit`: key, params and flags only. */
export function premiumKeyCalls(
  em: EntityManager,
  q: { organizationIds: readonly string[]; from: Date; to: Date; limit: number },
): Promise<KeyCallRow[]> {
  return em.query(
    `SELECT h.* FROM unnest($1::uuid[]) AS o(id) CROSS JOIN LATERAL (
           SELECT a.organization_id, a.api_key_id, a.params, a.flags
             FROM audit_log a
            WHERE a.organization_id = o.id AND a.kind = 'premium_call' AND a.status IN ('succeeded', 'cancelled', 'interrupted')
              AND a.occurred_at > $2 AND a.occurred_at <= $3
            ORDER BY a.occurred_at DESC LIMIT ${count(q.limit)}) h`,
    [q.organizationIds, q.from, q.to],
  );
}
