import { Injectable } from '@nestjs/common';
import { encodePremiumCallEvent, type PremiumCallEvent } from '@velvet/audit';
import { costOfTokens, sha256Hex } from '@velvet/common';
import {
  type Admission,
  type CallFinish,
  type OrphanCall,
  QuotaService,
  UsageStatus,
} from '@velvet/metering';
import type { CallContext, CallOutcome, PreparedCall, StoredResponse } from './call-context';
import { completionTokensOf } from './chat-request.schema';
import { DEFAULT_TOKENIZER, type TokenizerEncoding } from '@velvet/catalog';
import { keepReceipt, sseWithReceipt } from '../receipts/call-receipts';
import { ReceiptIssuer } from '../receipts/receipt-issuer';

/** What the client received: `succeeded` only when the whole response was delivered. */
export type DeliveryStatus = 'succeeded' | 'cancelled' | 'interrupted' | 'failed';

/**
 * A begun call's started record: everything needed to bill and audit it if its gateway dies
 * before finishing it (the prompt text only for premium calls, which need it for the audit entry).
 */
export interface StartedCall {
  organizationId: string;
  apiKeyId: string;
  userId: string | null;
  model: {
    id: string;
    slug: string;
    tier: string;
    currency: string;
    inputPrice: string;
    outputPrice: string;
    tokenizer?: TokenizerEncoding;
  };
  gated: boolean;
  occurredAt: number;
  startedAt: number;
  clientIp: string | null;
  userAgent: string | null;
  params: PremiumCallEvent['params'];
  promptText: string;
  /** The request fingerprint the started record carries (premium calls; '' for others, which are not audited). */
  promptSha256: string;
  promptTokens: number;
  streamed: boolean;
}

const USAGE_STATUS: Record<DeliveryStatus, UsageStatus> = {
  succeeded: UsageStatus.Succeeded,
  cancelled: UsageStatus.Cancelled,
  interrupted: UsageStatus.Interrupted,
  failed: UsageStatus.Failed,
};

/** Output tokens of text that reached the client, where the upstream gave no count. */
export const deliveredTokens = (text: string, model: StartedCall['model']): number =>
  completionTokensOf(text, { tokenizer: model.tokenizer ?? DEFAULT_TOKENIZER });

/**
 * Builds a call's started record and its finish (usage record, audit entry, idempotency
 * response), and hands them to the metering scripts: a call is billed and audited in the same
 * atomic step, and whatever the client received is what the records say.
 */
@Injectable()
export class CallRecorder {
  constructor(
    private readonly quota: QuotaService,
    private readonly receipts: ReceiptIssuer,
  ) {}

  started(call: PreparedCall): StartedCall {
    const r = call.req;
    const m = call.entry.model;
    return {
      organizationId: call.principal.organizationId,
      apiKeyId: call.principal.apiKeyId,
      userId: call.principal.createdByUserId,
      model: {
        id: m.id,
        slug: m.slug,
        tier: m.tier,
        currency: m.currency,
        inputPrice: String(m.inputPriceMicrosPerMTok),
        outputPrice: String(m.outputPriceMicrosPerMTok),
        tokenizer: m.tokenizer,
      },
      gated: call.entry.gated,
      occurredAt: call.occurredAt.getTime(),
      startedAt: Date.now() - (performance.now() - call.startedAt),
      clientIp: call.clientIp,
      userAgent: call.userAgent,
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
      promptText: call.entry.gated ? call.promptText : '',
      promptSha256: call.entry.gated ? sha256Hex(call.promptText) : '',
      promptTokens: call.promptTokens,
      streamed: r.stream === true,
    };
  }

  startedRecord(call: PreparedCall): string {
    return JSON.stringify(this.started(call));
  }

  /**
   * Finishes a call in one atomic Redis step, retried briefly while the client waits; true when
   * the records now say `status` (false: a reaper finished the call first). Rejects when Redis
   * stayed away. A premium call's receipt is kept only when the finish is accepted.
   */
  async finish(
    ctx: CallContext,
    outcome: CallOutcome,
    status: DeliveryStatus,
    stored?: StoredResponse,
  ): Promise<boolean> {
    const finish = this.finishOf(ctx, outcome, status, stored && JSON.stringify(stored));
    // An idempotent call's receipt is stored with its response, so a replay answers with it: signed
    // before the finish. Any other call's is signed while its finish is on the wire.
    let receipt: Promise<string> | null = null;
    if (stored && finish.audit && finish.idempotency && finish.idempotency !== 'release') {
      const signed = await this.receipts.issue(ctx.requestId, finish.audit);
      finish.idempotency = { store: JSON.stringify(storedWithReceipt(stored, signed)) };
      receipt = Promise.resolve(signed);
    }
    const finishing = this.quota.finishWithin(ctx.admission, finish);
    receipt ??= this.signReceipt(ctx, finish);
    const result = await finishing;
    if (result === 'gone')
      ctx.log.warn({ meteringId: ctx.requestId }, 'call already finished by a reaper');
    // receipts: a signed promise of the leaf the worker appends for this entry (docs/audit.md)
    const recorded = result === 'finished' || result === 'already';
    if (recorded) await this.keepReceipt(ctx, receipt);
    return recorded;
  }

  /**
   * A premium call's receipt (null for other calls), signed as soon as its finish is on the wire,
   * so the signature overlaps the Redis round trip instead of following it. Only a call its finish
   * recorded keeps it (`keepReceipt`); another's is dropped unseen.
   */
  signReceipt(call: PreparedCall, finish: CallFinish): Promise<string> | null {
    return finish.audit ? this.receipts.issue(call.requestId, finish.audit) : null;
  }

  /** A recorded premium call's receipt, kept with `call` until its response is written. */
  async keepReceipt(call: PreparedCall, receipt: Promise<string> | null): Promise<void> {
    if (receipt) keepReceipt(call, await receipt);
  }

  /** Finishes a call whose client already has its answer: one attempt, then retried in the background. */
  finishQuietly(ctx: CallContext, outcome: CallOutcome, status: DeliveryStatus): void {
    const f = this.finishOf(ctx, outcome, status);
    this.quota.finish(ctx.admission, f).catch(() => this.quota.finishLater(ctx.admission, f));
  }

  /** A finish Redis refused: retried until accepted (never dropped); a reaper takes over if this process dies. */
  finishLater(ctx: CallContext, outcome: CallOutcome, status: DeliveryStatus): void {
    ctx.log.warn(
      { meteringId: ctx.requestId, status },
      'call finish refused by Redis: retrying in the background',
    );
    this.quota.finishLater(ctx.admission, this.finishOf(ctx, outcome, status), (result) => {
      if (result === 'already')
        ctx.log.error(
          { meteringId: ctx.requestId },
          'call recorded as delivered although its client was refused',
        );
    });
  }

  /**
   * The records of a call admitted and finished in one step (CallAdmission.admitAndFinish): its
   * usage record and audit entry; it has no started record and no idempotency record.
   */
  finishInOne(call: PreparedCall, outcome: CallOutcome, status: DeliveryStatus): CallFinish {
    return finishFrom(this.started(call), call.requestId, outcome, status, null);
  }

  /** Write-ahead of streamed text; false when the call was reaped meanwhile (this process looked dead). */
  checkpoint(ctx: CallContext, text: string): Promise<boolean> {
    return this.quota.checkpoint(ctx.admission, text);
  }

  private finishOf(
    ctx: CallContext,
    outcome: CallOutcome,
    status: DeliveryStatus,
    stored?: string,
  ): CallFinish {
    const idempotency = !ctx.idempotency
      ? null
      : status === 'succeeded' && stored !== undefined
        ? { store: stored }
        : 'release';
    return finishFrom(this.started(ctx), ctx.requestId, outcome, status, idempotency);
  }

  /**
   * A call whose gateway died: billed and audited from its started record and the text it had
   * delivered (every streamed byte is written ahead into the record before it is sent).
   */
  orphanFinish(orphan: OrphanCall & { admission: Admission }): CallFinish {
    const started = JSON.parse(orphan.record) as StartedCall;
    const text = orphan.delivered;
    const outcome: CallOutcome = {
      inputTokens: 0,
      outputTokens: 0,
      text,
      finishReason: null,
      streamed: started.streamed,
    };
    return finishFrom(
      started,
      orphan.requestId,
      outcome,
      text ? 'interrupted' : 'failed',
      orphan.admission.idempotencyKey ? 'release' : null,
    );
  }
}

function finishFrom(
  s: StartedCall,
  requestId: string,
  outcome: CallOutcome,
  status: DeliveryStatus,
  idempotency: CallFinish['idempotency'],
): CallFinish {
  if (status === 'interrupted' && !outcome.text) status = 'failed';
  const partial = status === 'cancelled' || status === 'interrupted';
  const inputTokens = partial ? outcome.inputTokens || s.promptTokens : outcome.inputTokens;
  const outputTokens = partial
    ? outcome.outputTokens || deliveredTokens(outcome.text, s.model)
    : outcome.outputTokens;
  const cost =
    status === 'failed'
      ? 0n
      : costOfTokens(inputTokens, BigInt(s.model.inputPrice)) +
        costOfTokens(outputTokens, BigInt(s.model.outputPrice));
  const latencyMs = Math.max(0, Math.round(Date.now() - s.startedAt));
  const usage = {
    requestId,
    organizationId: s.organizationId,
    apiKeyId: s.apiKeyId,
    modelId: s.model.id,
    tier: s.model.tier,
    inputTokens,
    outputTokens,
    costMicros: cost,
    currency: s.model.currency,
    latencyMs,
    status: USAGE_STATUS[status],
    streamed: outcome.streamed,
    occurredAt: new Date(s.occurredAt),
  };
  // Audited: every premium call whose client received something (nothing left with a failed one).
  const audited = s.gated && status !== 'failed';
  // verifiable billing: the leaf carries what the usage record charges (docs/audit.md, receipts)
  const audit = audited
    ? encodePremiumCallEvent({
        ...eventOf(s, requestId, { ...outcome, inputTokens, outputTokens }, status, latencyMs),
        costMicros: cost.toString(),
        currency: s.model.currency,
      })
    : null;
  return { usage, audit, idempotency };
}

function eventOf(
  s: StartedCall,
  requestId: string,
  o: CallOutcome,
  status: PremiumCallEvent['status'],
  latencyMs: number,
): PremiumCallEvent {
  return {
    requestId,
    organizationId: s.organizationId,
    apiKeyId: s.apiKeyId,
    userId: s.userId,
    modelId: s.model.id,
    modelSlug: s.model.slug,
    tier: s.model.tier,
    occurredAt: new Date(s.occurredAt),
    clientIp: s.clientIp,
    userAgent: s.userAgent,
    params: s.params,
    promptText: s.promptText,
    promptSha256: s.promptSha256,
    completionText: o.text,
    inputTokens: o.inputTokens,
    outputTokens: o.outputTokens,
    latencyMs,
    status,
    finishReason: o.finishReason,
  };
}

/** The kept response with its receipt: in the body of a stream (an SSE comment), beside a JSON body. */
const storedWithReceipt = (stored: StoredResponse, receipt: string): StoredResponse =>
  !receipt
    ? stored
    : stored.type === 'sse'
      ? { type: 'sse', body: sseWithReceipt(stored.body, receipt) }
      : { ...stored, receipt };
