import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fromInt32 } from '@velvet/audit';
import type { DataSource } from 'typeorm';
import type { CallFeature, SubjectContext } from '../features/call-feature';
import { isDefaultParams } from '../features/default-params';
import { PromptSignal, promptSignals } from '@velvet/audit';

const HOUR = 3_600_000;
/**
 * Less history than this and "its own past" is no baseline: an average over part of a day is
 * biased by the time of day (a morning compared with the night before looks like a surge).
 */
const MIN_HISTORY_HOURS = 20;
const HISTORY_DAYS = 7;
/** Hours a contract's minimum spend is spread over, per month of its period. */
const HOURS_PER_MONTH = 730;

interface FeatureRow {
  event_id: string;
  organization_id: string;
  api_key_id: string;
  occurred_at: Date;
  params: Record<string, unknown> | null;
  input_tokens: number;
  output_tokens: number;
  finish_reason: string | null;
  flags: string[];
  prompt_sha: string;
  prompt_minhash: number[] | null;
  prompt_text: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Reads what detection needs from the append-only audit log (never the texts, except to derive
 * the chain-of-thought flag for a record written before the audit pipeline flagged it itself).
 */
@Injectable()
export class AuditFeatureReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async callsBetween(from: Date, to: Date): Promise<CallFeature[]> {
    const rows: FeatureRow[] = await this.db.query(
      `SELECT a.event_id, a.organization_id, a.api_key_id, a.occurred_at, a.params, a.input_tokens, a.output_tokens,
              a.finish_reason, a.flags, encode(a.prompt_sha256, 'hex') AS prompt_sha, a.prompt_minhash,
              CASE WHEN $3 = ANY(a.flags) THEN NULL ELSE t.prompt_text END AS prompt_text
         FROM audit_log a LEFT JOIN audit_text t ON t.event_id = a.event_id
        WHERE a.kind = 'premium_call' AND a.status IN ('succeeded', 'cancelled', 'interrupted') AND a.occurred_at > $1 AND a.occurred_at <= $2
        ORDER BY a.occurred_at`,
      [from, to, PromptSignal.CotElicitation],
    );
    return rows.map((r) => {
      const p = r.params ?? {};
      const flags = r.prompt_text
        ? [...new Set([...r.flags, ...promptSignals(r.prompt_text)])]
        : r.flags;
      return {
        requestId: r.event_id,
        organizationId: r.organization_id,
        apiKeyId: r.api_key_id,
        occurredAt: new Date(r.occurred_at),
        n: num(p.n) ?? 1,
        maxTokens: num(p.maxTokens),
        logprobs: p.logprobs === true,
        topLogprobs: num(p.topLogprobs),
        inputTokens: r.input_tokens ?? 0,
        outputTokens: r.output_tokens ?? 0,
        finishReason: r.finish_reason,
        promptSha256: r.prompt_sha ?? r.event_id,
        promptMinhash: r.prompt_minhash ? fromInt32(r.prompt_minhash) : [],
        promptFlags: flags,
        defaultParams: isDefaultParams(r.params),
      };
    });
  }

  /**
   * The contract baseline, the busiest hour of the trailing week before the window (the subject's
   * own normal peak: a nightly batch or an office-hours team is judged against its own busy hours,
   * not its daily average), and the hours of the day with traffic, for every organisation and key.
   */
  async contexts(
    organizationIds: string[],
    windowStart: Date,
    asOf: Date,
  ): Promise<{ organizations: Map<string, SubjectContext>; keys: Map<string, SubjectContext> }> {
    const dayAgo = new Date(asOf.getTime() - 24 * HOUR);
    const weekAgo = new Date(asOf.getTime() - HISTORY_DAYS * 24 * HOUR);
    const history: {
      organization_id: string;
      api_key_id: string | null;
      first_seen: Date;
      peak_hour_tokens: string | null;
      active_hours: number;
    }[] = await this.db.query(
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
      [organizationIds, windowStart, weekAgo, asOf, dayAgo],
    );
    const baselines: { organization_id: string; tokens_per_hour: number | null }[] =
      await this.db.query(
        `SELECT c.organization_id,
              max(c.min_spend_micros::float8 / (c.period_months * ${HOURS_PER_MONTH})
                  / nullif((SELECT avg((m.input_price_micros_per_mtok + m.output_price_micros_per_mtok) / 2.0) / 1e6
                              FROM models m WHERE m.tier = c.tier AND m.status = 'active'), 0)) AS tokens_per_hour
         FROM contracts c
        WHERE c.status = 'active' AND c.organization_id = ANY($1::uuid[])
        GROUP BY c.organization_id`,
        [organizationIds],
      );
    const baseline = new Map(
      baselines.map((b) => [
        b.organization_id,
        b.tokens_per_hour === null ? null : Number(b.tokens_per_hour),
      ]),
    );
    const organizations = new Map<string, SubjectContext>();
    const keys = new Map<string, SubjectContext>();
    for (const h of history) {
      const historyHours = Math.max(
        0,
        (windowStart.getTime() - Math.max(new Date(h.first_seen).getTime(), weekAgo.getTime())) /
          HOUR,
      );
      const enough = historyHours >= MIN_HISTORY_HOURS;
      const context: SubjectContext = {
        // A key is held to its organisation's whole commitment: one key alone far above it is anomalous.
        contractBaselineTokensPerHour: baseline.get(h.organization_id) ?? null,
        historyTokensPerHour: enough ? Math.max(Number(h.peak_hour_tokens ?? 0), 1) : null,
        historyHours: Math.round(historyHours * 10) / 10,
        activeHoursLast24h: h.active_hours,
      };
      if (h.api_key_id) keys.set(h.api_key_id, context);
      else organizations.set(h.organization_id, context);
    }
    return { organizations, keys };
  }
}
