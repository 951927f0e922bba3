import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';
import { asUpstreamError } from '../upstream/openai-compatible.upstream';
import { UpstreamRegistry } from '../upstream/upstream.registry';
import {
  Cancellation,
  type StreamEvent,
  type Upstream,
  type UpstreamError,
  type UpstreamRequest,
} from '../upstream/upstream.types';
import type { CallContext, CallOutcome, PreparedCall, Replay } from './call-context';
import { CallAdmission, rateLimitHeaders, round } from './call-admission';
import { CallRecorder, type DeliveryStatus } from './call-recorder';
import { WriteAhead } from './write-ahead';
import { receiptHeader, receiptHeaders, withReceiptComment } from '../receipts/call-receipts';

const nothing = (streamed: boolean): CallOutcome => ({
  inputTokens: 0,
  outputTokens: 0,
  text: '',
  finishReason: null,
  streamed,
});

function upstreamToOpenAI(e: UpstreamError): OpenAIError {
  const type = e.status < 500 ? 'invalid_request_error' : 'api_error';
  return new OpenAIError(
    e.status,
    type,
    e.code,
    e.message,
    null,
    e.retryAfter ? { 'retry-after': e.retryAfter } : {},
  );
}

const notRecorded = () =>
  OpenAIError.unavailable(
    'The call could not be recorded (usage and audit log), so it was not served; retry shortly.',
    'audit_unavailable',
  );

/**
 * Begins a prepared call (one Redis round trip: idempotency claim, limits, started record) and runs
 * it against its upstream; the upstream call may start while the begin is in flight
 * (`CallAdmission.mayOverlapUpstream`), but nothing reaches the client before the call is begun.
 * A response completes only after its finish (usage record, settlement, audit entry, stored
 * idempotent response: one atomic Redis step) is accepted. Streams write each batch of text
 * ahead into the call's started record before sending it, so text that left the gateway is always
 * in a record, whatever happens next.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly admission: CallAdmission,
    private readonly upstreams: UpstreamRegistry,
    private readonly recorder: CallRecorder,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  private call(call: PreparedCall, cancellation: Cancellation): UpstreamRequest {
    if (!call.measured) return new UpstreamCall(call, cancellation, this.admission);
    const { entry, req, completionId, promptText, promptTokens, maxTokens } = call;
    return {
      model: entry.model,
      req,
      completionId,
      promptText,
      promptTokens,
      maxTokens,
      cancellation,
    };
  }

  /** A refused (or replayed) call cancels its early upstream call, whose result is then discarded. */
  private async begin(
    call: PreparedCall,
    cancellation: Cancellation,
    early: Promise<unknown> | null,
    delivered?: string,
    record?: string,
  ): Promise<CallContext | Replay> {
    early?.catch(() => undefined);
    try {
      const begun = await this.admission.begin(call, delivered, record);
      if ('replay' in begun) cancellation.cancel();
      return begun;
    } catch (error) {
      cancellation.cancel();
      throw error;
    }
  }

  /**
   * `upstream` shapes the response for another endpoint (Responses, embeddings, legacy completions,
   * moderations: apps/gateway/src/{responses,embeddings,...}); chat completions by default.
   */
  async complete(
    call: PreparedCall,
    reply: FastifyReply,
    upstream: Upstream = this.upstreams.for(call.entry.model),
  ): Promise<void> {
    const cancellation = new Cancellation();
    // Only a client that leaves early cancels the upstream call.
    reply.raw.once('close', () => reply.raw.writableFinished || cancellation.cancel());
    if (this.admission.mayFinishInOne(call))
      return this.completeInOne(call, reply, upstream, cancellation);
    let t0 = performance.now();
    const early = this.admission.mayOverlapUpstream(call)
      ? upstream.complete(this.call(call, cancellation))
      : null;
    const ctx = await this.begin(call, cancellation, early);
    if ('replay' in ctx) return replay(reply, ctx);
    let completion;
    try {
      if (!early) t0 = performance.now();
      completion = await (early ?? upstream.complete(this.call(ctx, cancellation)));
    } catch (error) {
      this.recorder.finishQuietly(ctx, nothing(false), 'failed');
      throw upstreamToOpenAI(asUpstreamError(error));
    }
    const outcome: CallOutcome = { streamed: false, ...completion };
    const t1 = performance.now();
    ctx.phases.upstream = round(t1 - t0);
    const body = JSON.stringify(completion.body);
    let recorded: boolean;
    try {
      recorded = await this.recorder.finish(
        ctx,
        outcome,
        'succeeded',
        ctx.idempotency ? { type: 'json', body } : undefined,
      );
    } catch {
      // Not recorded, so not served: the call is finished as failed (no charge) once Redis takes it.
      this.recorder.finishLater(ctx, nothing(false), 'failed');
      throw notRecorded();
    }
    // (not recorded: a reaper finished the call as undelivered meanwhile, so it is not served)
    if (!recorded) throw notRecorded();
    ctx.phases.finish = round(performance.now() - t1);
    await reply
      .headers({ ...rateLimitHeaders(ctx.limits), ...receiptHeaders(ctx) })
      .type('application/json; charset=utf-8')
      .send(body);
  }

  /** `upstream` and `done` (the stream's last event) as for `complete`: chat completions by default. */
  async stream(
    call: PreparedCall,
    reply: FastifyReply,
    upstream: Upstream = this.upstreams.for(call.entry.model),
    done = 'data: [DONE]\n\n',
  ): Promise<void> {
    const cancellation = new Cancellation();
    const raw = reply.raw;
    let finished = false;
    raw.once('close', () => finished || cancellation.cancel());
    // When the upstream may start first, its first batch of text is written ahead by the begin
    // itself: the first chunk costs one round trip, not a begin and then a write-ahead. The prompt
    // is measured and the started record built while the upstream works, not before it is called
    // nor between its first event and the client.
    const overlap = this.admission.mayOverlapUpstream(call);
    if (!overlap) this.admission.measure(call);
    const events = upstream.stream(this.call(call, cancellation))[Symbol.asyncIterator]();
    const firstEvent = overlap ? this.firstEvent(call, events) : null;
    if (firstEvent) this.measureWhileUpstreamWorks(call, cancellation, firstEvent);
    const record = this.recorder.startedRecord(call);
    const first = firstEvent && (await firstEvent);
    const aheadText =
      first && !first.done && first.value.kind === 'chunk' && !first.value.finishReason
        ? first.value.text
        : undefined;
    const ctx = await this.begin(call, cancellation, null, aheadText, record);
    if ('replay' in ctx) return replay(reply, ctx);
    let next: IteratorResult<StreamEvent>;
    try {
      next = first ?? (await events.next());
    } catch (error) {
      // Nothing sent yet: answer with a proper HTTP error.
      this.recorder.finishQuietly(ctx, nothing(true), 'failed');
      throw upstreamToOpenAI(asUpstreamError(error));
    }
    reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...rateLimitHeaders(ctx.limits),
    });
    const includeUsage = ctx.req.stream_options?.include_usage === true;
    const held: string[] = [];
    let heldText = '';
    const sent: string[] | null = ctx.idempotency ? [] : null;
    const upstreamUsage = { inputTokens: 0, outputTokens: 0, finishReason: null as string | null };
    let sentAhead = false;
    const out = new WriteAhead(
      (text) => this.recorder.checkpoint(ctx, text),
      async (chunk) => {
        sent?.push(chunk);
        if (!raw.write(chunk)) await once(raw, 'drain', { signal: cancellation.toAbortSignal() });
      },
      this.env.GATEWAY_STREAM_BATCH_MS,
    );
    const outcome = (): CallOutcome => ({ ...upstreamUsage, text: out.delivered, streamed: true });
    const end = (status: DeliveryStatus, error?: OpenAIError) => {
      finished = true;
      this.recorder.finishQuietly(ctx, outcome(), status);
      if (error) raw.end(`data: ${JSON.stringify(error.body())}\n\n`);
      else raw.destroy();
    };
    try {
      while (!next.done) {
        if (cancellation.aborted)
          throw asUpstreamError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        out.check();
        const event = next.value;
        const line = `${event.kind === 'chunk' && event.event ? `event: ${event.event}\n` : ''}data: ${JSON.stringify(event.chunk)}\n\n`;
        if (event.kind === 'usage') {
          upstreamUsage.inputTokens = event.usage.inputTokens;
          upstreamUsage.outputTokens = event.usage.outputTokens;
          if (includeUsage) held.push(line);
        } else if (event.finishReason) {
          // The finishing chunk waits for the finish: a client sees the end only of a recorded call.
          upstreamUsage.finishReason ??= event.finishReason;
          heldText += event.text;
          held.push(line);
        } else if (aheadText !== undefined && !sentAhead) {
          sentAhead = true;
          out.pushRecorded(line, event.text);
        } else {
          out.push(line, event.text);
        }
        next = await events.next();
      }
      await out.settled();
    } catch (error) {
      const e = asUpstreamError(error);
      const left = cancellation.aborted || e.status === 499;
      await (left ? out.abandon() : out.settled().catch(() => undefined));
      if (left) {
        // The client left: it pays for what it was sent, and a premium stream's text is audited.
        ctx.log.info({ meteringId: ctx.requestId }, 'client closed the stream');
        return end('cancelled');
      }
      if (out.failure) {
        // Redis refused the write-ahead (or the call was reaped): nothing more may leave.
        ctx.log.error(
          { err: out.failure, meteringId: ctx.requestId },
          'stream stopped: its text could not be recorded',
        );
        return end('interrupted', notRecorded());
      }
      return end('interrupted', upstreamToOpenAI(e));
    }
    const tail = `${held.join('')}${done}`;
    const full = { ...outcome(), text: out.delivered + heldText };
    let recorded: boolean;
    try {
      const stored = sent ? { type: 'sse' as const, body: sent.join('') + tail } : undefined;
      recorded = await this.recorder.finish(ctx, full, 'succeeded', stored);
    } catch {
      // What was delivered is in the started record; the finish is retried, and says what the client got.
      return end('interrupted', notRecorded());
    }
    if (!recorded) {
      // A reaper finished it from its record as interrupted: the end is not sent.
      finished = true;
      return void raw.end(`data: ${JSON.stringify(notRecorded().body())}\n\n`);
    }
    finished = true;
    raw.end(withReceiptComment(ctx, tail));
  }

  /**
   * A plain call clearly within its limits: the upstream first, then admitted and finished in one
   * Redis round trip (limits, spend, usage record, audit entry) before the response is sent. A
   * refusal discards the answer (429); nothing reaches the client before its records are accepted.
   */
  private async completeInOne(
    call: PreparedCall,
    reply: FastifyReply,
    upstream: ReturnType<UpstreamRegistry['for']>,
    cancellation: Cancellation,
  ): Promise<void> {
    const t0 = performance.now();
    let completion;
    try {
      completion = await upstream.complete(this.call(call, cancellation));
    } catch (error) {
      this.admission.recordFailure(call, false);
      throw upstreamToOpenAI(asUpstreamError(error));
    }
    const t1 = performance.now();
    call.phases.upstream = round(t1 - t0);
    const limits = await this.admission.admitAndFinish(call, { streamed: false, ...completion });
    call.phases.finish = round(performance.now() - t1);
    await reply
      .headers({ ...rateLimitHeaders(limits), ...receiptHeaders(call) })
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(completion.body));
  }

  /** The upstream's first stream event, before the call is begun; a failure there is recorded as a failed call. */
  private async firstEvent(
    call: PreparedCall,
    events: AsyncIterator<StreamEvent>,
  ): Promise<IteratorResult<StreamEvent>> {
    try {
      return await events.next();
    } catch (error) {
      // (not measured: the prompt was refused, e.g. beyond the context window; nothing to record)
      if (!call.measured) throw error instanceof OpenAIError ? error : asUpstreamError(error);
      this.admission.recordFailure(call, true);
      throw upstreamToOpenAI(asUpstreamError(error));
    }
  }

  /** A prompt refused by its measurement cancels the upstream call already started; nothing was recorded. */
  private measureWhileUpstreamWorks(
    call: PreparedCall,
    cancellation: Cancellation,
    firstEvent: Promise<unknown>,
  ): void {
    try {
      this.admission.measure(call);
    } catch (error) {
      cancellation.cancel();
      firstEvent.catch(() => undefined);
      throw error;
    }
  }
}

/**
 * The upstream's view of a call not measured yet (a stream whose upstream starts first): the prompt's
 * text and tokens are read from the call, measured on first read if they are not yet (an upstream
 * that needs them to start, such as the simulator, measures it then).
 */
class UpstreamCall implements UpstreamRequest {
  readonly model: UpstreamRequest['model'];
  readonly req: UpstreamRequest['req'];
  readonly completionId: string;
  readonly maxTokens: number;

  constructor(
    private readonly call: PreparedCall,
    readonly cancellation: Cancellation,
    private readonly admission: CallAdmission,
  ) {
    this.model = call.entry.model;
    this.req = call.req;
    this.completionId = call.completionId;
    this.maxTokens = call.maxTokens;
  }

  get promptText(): string {
    return this.admission.measure(this.call).promptText;
  }

  get promptTokens(): number {
    return this.admission.measure(this.call).promptTokens;
  }
}

/** The stored response of an earlier call with the same Idempotency-Key and body: no upstream call, no charge. */
async function replay(reply: FastifyReply, { replay: r }: Replay): Promise<void> {
  void reply.header('idempotent-replayed', 'true');
  // the original call's receipt: a header here; a stream's is in its kept body (an SSE comment)
  if (r.type === 'json')
    return void (await reply
      .headers(receiptHeader(r.receipt))
      .type('application/json; charset=utf-8')
      .send(r.body));
  await reply
    .headers({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
    .send(r.body);
}
