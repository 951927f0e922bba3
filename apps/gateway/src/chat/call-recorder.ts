import { Inject, Injectable } from '@nestjs/common';
import type { PremiumCallEvent } from '@velvet/audit';
import { costOfTokens } from '@velvet/common';
import { QuotaService, UsageStatus } from '@velvet/metering';
import { PREMIUM_AUDIT, type PremiumAudit } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';
import type { CallContext, CallOutcome } from './call-context';
import { completionTokensOf } from './chat-request.schema';

const SETTLE_ATTEMPTS = 5;

/** Audits premium calls before their response is released, and meters every call. */
@Injectable()
export class CallRecorder {
  constructor(
    private readonly quota: QuotaService,
    @Inject(PREMIUM_AUDIT) private readonly audit: PremiumAudit,
  ) {}

  /**
   * Fail closed: for a gated model, resolves only once the audit record is durably accepted and
   * otherwise throws a 503 (and the call is metered as failed, at no charge).
   */
  async auditIfGated(ctx: CallContext, outcome: CallOutcome): Promise<void> {
    if (!ctx.entry.gated) return;
    try {
      await this.audit.recordPremiumCall(this.event(ctx, outcome));
    } catch (error) {
      ctx.log.error({ err: error, meteringId: ctx.requestId }, 'premium call refused: audit record not accepted');
      this.meter(ctx, { ...outcome, succeeded: false });
      throw OpenAIError.unavailable('The call could not be recorded in the audit log, so it was not served; retry shortly.', 'audit_unavailable');
    }
  }

  /** Best effort for streams cut short (client left, or upstream failed): text already left, so it is still audited. */
  auditAbandoned(ctx: CallContext, outcome: CallOutcome, status: 'failed' | 'cancelled'): void {
    if (!ctx.entry.gated) return;
    this.audit.recordPremiumCall(this.event(ctx, outcome, status)).catch((error) =>
      ctx.log.error({ err: error, meteringId: ctx.requestId }, 'audit of an abandoned premium stream failed'),
    );
  }

  /**
   * A client that leaves mid-stream pays for what it was sent: the prompt and the text so far
   * (estimated like the prompt when the upstream's usage had not arrived), so cutting a stream
   * short just before its end is no way to get completions for free.
   */
  meterCancelled(ctx: CallContext, outcome: CallOutcome): void {
    const inputTokens = outcome.inputTokens || ctx.promptTokens;
    const outputTokens = outcome.outputTokens || completionTokensOf(outcome.text, ctx.entry.model);
    this.meter(ctx, { ...outcome, inputTokens, outputTokens }, UsageStatus.Cancelled);
  }

  /** Off the response path; retried, and idempotent on the request id (a retry is counted once). */
  meter(ctx: CallContext, outcome: CallOutcome, status = outcome.succeeded ? UsageStatus.Succeeded : UsageStatus.Failed): void {
    const { model } = ctx.entry;
    const cost = status === UsageStatus.Failed
      ? 0n
      : costOfTokens(outcome.inputTokens, model.inputPriceMicrosPerMTok) + costOfTokens(outcome.outputTokens, model.outputPriceMicrosPerMTok);
    const usage = {
      requestId: ctx.requestId,
      organizationId: ctx.principal.organizationId,
      apiKeyId: ctx.principal.apiKeyId,
      modelId: model.id,
      tier: model.tier,
      inputTokens: outcome.inputTokens,
      outputTokens: outcome.outputTokens,
      costMicros: cost,
      currency: model.currency,
      latencyMs: Math.max(0, Math.round(performance.now() - ctx.startedAt)),
      status,
      streamed: outcome.streamed,
      occurredAt: ctx.occurredAt,
    };
    const attempt = (n: number): void => {
      this.quota.settle(ctx.admission, usage).then(
        (counted) => {
          if (!counted) ctx.log.info({ meteringId: ctx.requestId }, 'retried call: usage already counted');
        },
        (error: Error) => {
          if (n + 1 >= SETTLE_ATTEMPTS) {
            ctx.log.error({ err: error, meteringId: ctx.requestId, costMicros: cost.toString() }, 'usage could not be recorded');
            return;
          }
          setTimeout(() => attempt(n + 1), 50 * 2 ** n).unref();
        },
      );
    };
    attempt(0);
  }

  private event(ctx: CallContext, outcome: CallOutcome, status: PremiumCallEvent['status'] = outcome.succeeded ? 'succeeded' : 'failed'): PremiumCallEvent {
    const r = ctx.req;
    return {
      requestId: ctx.requestId,
      organizationId: ctx.principal.organizationId,
      apiKeyId: ctx.principal.apiKeyId,
      userId: ctx.principal.createdByUserId,
      modelId: ctx.entry.model.id,
      modelSlug: ctx.entry.model.slug,
      tier: ctx.entry.model.tier,
      occurredAt: ctx.occurredAt,
      clientIp: ctx.clientIp,
      userAgent: ctx.userAgent,
      params: {
        temperature: r.temperature ?? null,
        topP: r.top_p ?? null,
        n: r.n ?? null,
        maxTokens: r.max_completion_tokens ?? r.max_tokens ?? null,
        logprobs: r.logprobs ?? null,
        topLogprobs: r.top_logprobs ?? null,
        toolsCount: r.tools?.length ?? 0,
        stream: r.stream ?? false,
      },
      promptText: ctx.promptText,
      completionText: outcome.text,
      inputTokens: outcome.inputTokens,
      outputTokens: outcome.outputTokens,
      latencyMs: Math.max(0, Math.round(performance.now() - ctx.startedAt)),
      status,
      finishReason: outcome.finishReason,
    };
  }
}
