import type { EntityManager } from 'typeorm';

/** A premium call whose completion shares a band with a suspect text. */
export interface CompletionCandidate {
  seq: string;
  eventId: string;
  organizationId: string;
  apiKeyId: string;
  modelSlug: string | null;
  occurredAt: Date;
  /** The completion's MinHash signature as stored (int32 words). */
  completionMinhash: number[] | null;
  completionBands: string[] | null;
  /** The completion's SHA-256 is `sha256Hex`'s. */
  exact: boolean;
}

/**
 * Premium calls whose completion carries any of `bands`, up to `limit`: the audit lib's read port
 * for provenance searches. Found through audit_completion_bands (a GIN per day, never a scan of
 * the log) and read from the log by seq; the log's own column must carry the band too, so an
 * altered band row can hide a call from the search but never make one match.
 */
export function completionsSharingBands(
  em: EntityManager,
  q: { bands: readonly (string | number)[]; sha256Hex: string; limit: number },
): Promise<CompletionCandidate[]> {
  if (!Number.isSafeInteger(q.limit) || q.limit < 0) throw new Error(`not a count: ${q.limit}`);
  return em.query(
    `SELECT a.seq, a.event_id AS "eventId", a.organization_id AS "organizationId", a.api_key_id AS "apiKeyId",
            a.model_slug AS "modelSlug", a.occurred_at AS "occurredAt", a.completion_minhash AS "completionMinhash",
            a.completion_bands AS "completionBands", a.completion_sha256 = decode($2, 'hex') AS exact
       FROM audit_completion_bands b
       JOIN audit_log a ON a.seq = b.seq AND a.occurred_at = b.occurred_at
      WHERE b.bands && $1::bigint[] AND a.kind = 'premium_call' AND a.completion_bands && $1::bigint[]
      LIMIT ${q.limit}`,
    [q.bands.map(String), q.sha256Hex],
  );
}
