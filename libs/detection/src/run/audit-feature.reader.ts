import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fromInt32, premiumActivity, premiumCallsBetween } from '@velvet/audit';
import { tierMeanPrices } from '@velvet/catalog';
import { activeCommitments } from '@velvet/contracts';
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

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Reads what detection needs from the append-only audit log (never the texts, except to derive
 * the chain-of-thought flag for a record written before the audit pipeline flagged it itself).
 */
@Injectable()
export class AuditFeatureReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async callsBetween(from: Date, to: Date): Promise<CallFeature[]> {
    const rows = await premiumCallsBetween(this.db.manager, from, to, PromptSignal.CotElicitation);
    return rows.map((r) => {
      const p = r.params ?? {};
      const flags = r.promptText
        ? [...new Set([...r.flags, ...promptSignals(r.promptText)])]
        : r.flags;
      return {
        requestId: r.eventId,
        organizationId: r.organizationId,
        apiKeyId: r.apiKeyId,
        occurredAt: new Date(r.occurredAt),
        n: num(p.n) ?? 1,
        maxTokens: num(p.maxTokens),
        logprobs: p.logprobs === true,
        topLogprobs: num(p.topLogprobs),
        inputTokens: r.inputTokens ?? 0,
        outputTokens: r.outputTokens ?? 0,
        finishReason: r.finishReason,
        promptSha256: r.promptSha256 ?? r.eventId,
        promptMinhash: r.promptMinhash ? fromInt32(r.promptMinhash) : [],
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
    const history = await premiumActivity(this.db.manager, {
      organizationIds,
      from: weekAgo,
      to: asOf,
      peakBefore: windowStart,
      activeSince: dayAgo,
    });
    const baseline = await this.contractBaselines(organizationIds);
    const organizations = new Map<string, SubjectContext>();
    const keys = new Map<string, SubjectContext>();
    for (const h of history) {
      const historyHours = Math.max(
        0,
        (windowStart.getTime() - Math.max(h.firstSeen.getTime(), weekAgo.getTime())) / HOUR,
      );
      const enough = historyHours >= MIN_HISTORY_HOURS;
      const context: SubjectContext = {
        // A key is held to its organisation's whole commitment: one key alone far above it is anomalous.
        contractBaselineTokensPerHour: baseline.get(h.organizationId) ?? null,
        historyTokensPerHour: enough ? Math.max(h.peakHourTokens ?? 0, 1) : null,
        historyHours: Math.round(historyHours * 10) / 10,
        activeHoursLast24h: h.activeHours,
      };
      if (h.apiKeyId) keys.set(h.apiKeyId, context);
      else organizations.set(h.organizationId, context);
    }
    return { organizations, keys };
  }

  /**
   * Tokens per hour each organisation committed to: the largest over its active contracts of the
   * minimum spend spread over the period's hours, at the mean price of the contract tier's models.
   */
  private async contractBaselines(organizationIds: string[]): Promise<Map<string, number>> {
    const commitments = await activeCommitments(this.db.manager, organizationIds);
    const tiers = [...new Set(commitments.map((c) => c.tier))];
    const prices = await tierMeanPrices(this.db.manager, tiers);
    const priceOf = new Map(prices.map((p) => [p.tier, p.meanPriceMicrosPerMTok / 1e6]));
    const baseline = new Map<string, number>();
    for (const c of commitments) {
      const price = priceOf.get(c.tier);
      if (!price) continue; // no active model in the tier (or free ones): no token baseline
      const tokensPerHour = Number(c.minSpendMicros) / (c.periodMonths * HOURS_PER_MONTH) / price;
      baseline.set(c.organizationId, Math.max(baseline.get(c.organizationId) ?? 0, tokensPerHour));
    }
    return baseline;
  }
}
