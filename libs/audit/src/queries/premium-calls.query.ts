import type { EntityManager } from 'typeorm';

/** A served premium call as the log records it (no texts unless asked for; see `textUnlessFlagged`). */
export interface PremiumCallFact {
  eventId: string;
  organizationId: string;
  apiKeyId: string;
  occurredAt: Date;
  params: Record<string, unknown> | null;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string | null;
  flags: string[];
  /** Hex SHA-256 of the prompt. */
  promptSha256: string | null;
  /** The prompt's MinHash signature as stored (int32 words). */
  promptMinhash: number[] | null;
  promptText: string | null;
}

/**
 * Premium calls that were served (succeeded, cancelled or interrupted) in `(from, to]`, oldest
 * first: the audit lib's read port for detection. The prompt text is read only for calls that do
 * not carry `textUnlessFlagged` yet (so a caller derives that flag for older records only).
 */
export async function premiumCallsBetween(
  em: EntityManager,
  from: Date,
  to: Date,
  textUnlessFlagged: string,
): Promise<PremiumCallFact[]> {
  return em.query(
    `SELECT a.event_id AS "eventId", a.organization_id AS "organizationId", a.api_key_id AS "apiKeyId",
            a.occurred_at AS "occurredAt", a.params, a.input_tokens AS "inputTokens",
            a.output_tokens AS "outputTokens", a.finish_reason AS "finishReason", a.flags,
            encode(a.prompt_sha256, 'hex') AS "promptSha256", a.prompt_minhash AS "promptMinhash",
            CASE WHEN $3 = ANY(a.flags) THEN NULL ELSE t.prompt_text END AS "promptText"
       FROM audit_log a LEFT JOIN audit_text t ON t.event_id = a.event_id
      WHERE a.kind = 'premium_call' AND a.status IN ('succeeded', 'cancelled', 'interrupted')
        AND a.occurred_at > $1 AND a.occurred_at <= $2
      ORDER BY a.occurred_at`,
    [from, to, textUnlessFlagged],
  );
}

/** One organisation's (apiKeyId null) or one key's premium activity over a span of hours. */
export interface PremiumActivity {
  organizationId: string;
  apiKeyId: string | null;
  firstSeen: Date;
  /** Tokens of the busiest whole hour that ended by `peakBefore`; null when none did. */
  peakHourTokens: number | null;
  /** Hours with calls since `activeSince`. */
  activeHours: number;
}

/** Hourly premium-call activity of the given organisations and their keys, calls in `(from, to]`. */
export async function premiumActivity(
  em: EntityManager,
  q: {
    organizationIds: readonly string[];
    from: Date;
    to: Date;
    peakBefore: Date;
    activeSince: Date;
  },
): Promise<PremiumActivity[]> {
  const rows: {
    organization_id: string;
    api_key_id: string | null;
    first_seen: Date;
    peak_hour_tokens: string | null;
    active_hours: number;
  }[] = await em.query(
    `WITH hourly AS (
       SELECT organization_id, api_key_id, date_trunc('hour', occurred_at) AS hour,
              sum(input_tokens + output_tokens) AS tokens, min(occurred_at) AS first_seen
         FROM audit_log
        WHERE kind = 'premium_call' AND organization_id = ANY($1::uuid[]) AND occurred_at > $3 AND occurred_at <= $4
        GROUP BY GROUPING SETS ((organization_id, hour), (organization_id, api_key_id, hour)))
     SELECT organization_id, api_key_id, min(first_seen) AS first_seen,
            max(tokens) FILTER (WHERE hour + interval '1 hour' <= $2) AS peak_hour_tokens,
            count(*) FILTER (WHERE hour >= date_trunc('hour', $5::timestamptz))::int AS active_hours
       FROM hourly GROUP BY organization_id, api_key_id`,
    [q.organizationIds, q.peakBefore, q.from, q.to, q.activeSince],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    apiKeyId: r.api_key_id,
    firstSeen: new Date(r.first_seen),
    peakHourTokens: r.peak_hour_tokens === null ? null : Number(r.peak_hour_tokens),
    activeHours: r.active_hours,
  }));
}
