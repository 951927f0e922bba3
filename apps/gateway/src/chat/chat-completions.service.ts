import { once } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OpenAIError } from '../http/openai-error';
import { asUpstreamError } from '../upstream/openai-compatible.upstream';
import { UpstreamRegistry } from '../upstream/upstream.registry';
import { Cancellation, type StreamEvent, type UpstreamError, type UpstreamRequest } from '../upstream/upstream.types';
import type { CallContext, CallOutcome, PreparedCall } from './call-context';
import { CallAdmission, round } from './call-admission';
import { CallRecorder } from './call-recorder';

const failed = (streamed: boolean): CallOutcome => ({ succeeded: false, inputTokens: 0, outputTokens: 0, text: '', finishReason: null, streamed });

function upstreamToOpenAI(e: UpstreamError): OpenAIError {
  const type = e.status < 500 ? 'invalid_request_error' : 'api_error';
  return new OpenAIError(e.status, type, e.code, e.message, null, e.retryAfter ? { 'retry-after': e.retryAfter } : {});
}

/**
 * Admits a prepared call and runs it against its upstream; the upstream call may start while
 * admission is in flight (`CallAdmission.mayOverlapUpstream`), but nothing reaches the client
 * before the call is admitted. Premium (gated) responses are released only after their audit
 * record is accepted; streams hold back the finishing chunk, the usage chunk and `[DONE]` until
 * then, and end with an error event instead if the audit record is refused.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly admission: CallAdmission,
    private readonly upstreams: UpstreamRegistry,
    private readonly recorder: CallRecorder,
  ) {}

  private call(call: PreparedCall, cancellation: Cancellation): UpstreamRequest {
    const { entry, req, completionId, promptText, promptTokens, maxTokens } = call;
    return { model: entry.model, req, completionId, promptText, promptTokens, maxTokens, cancellation };
  }

  /** A refused call cancels its early upstream call, whose result is then discarded. */
  private async admit(call: PreparedCall, cancellation: Cancellation, early: Promise<unknown> | null): Promise<CallContext> {
    early?.catch(() => undefined);
    try {
      return await this.admission.admit(call);
    } catch (error) {
      cancellation.cancel();
      throw error;
    }
  }

  async complete(call: PreparedCall, reply: FastifyReply): Promise<void> {
    const cancellation = new Cancellation();
    // Only a client that leaves early cancels the upstream call.
    reply.raw.once('close', () => reply.raw.writableFinished || cancellation.cancel());
    const upstream = this.upstreams.for(call.entry.model);
    let t0 = performance.now();
    const early = this.admission.mayOverlapUpstream(call) ? upstream.complete(this.call(call, cancellation)) : null;
    const ctx = await this.admit(call, cancellation, early);
    let completion;
    try {
      if (!early) t0 = performance.now();
      completion = await (early ?? upstream.complete(this.call(ctx, cancellation)));
    } catch (error) {
      this.recorder.meter(ctx, failed(false));
      throw upstreamToOpenAI(asUpstreamError(error));
    }
    const outcome: CallOutcome = { succeeded: true, streamed: false, ...completion };
    const t1 = performance.now();
    ctx.phases.upstream = round(t1 - t0);
    await this.recorder.auditIfGated(ctx, outcome);
    if (ctx.entry.gated) ctx.phases.audit = round(performance.now() - t1);
    this.recorder.meter(ctx, outcome);
    await reply.send(completion.body);
  }

  async stream(call: PreparedCall, reply: FastifyReply): Promise<void> {
    const cancellation = new Cancellation();
    const raw = reply.raw;
    let finished = false;
    raw.once('close', () => finished || cancellation.cancel());
    const events = this.upstreams.for(call.entry.model).stream(this.call(call, cancellation))[Symbol.asyncIterator]();
    const early = this.admission.mayOverlapUpstream(call) ? events.next() : null;
    const ctx = await this.admit(call, cancellation, early);
    let next: IteratorResult<StreamEvent>;
    try {
      next = await (early ?? events.next());
    } catch (error) {
      // Nothing sent yet: answer with a proper HTTP error.
      this.recorder.meter(ctx, failed(true));
      throw upstreamToOpenAI(asUpstreamError(error));
    }
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': String(reply.request.id),
    });
    const includeUsage = ctx.req.stream_options?.include_usage === true;
    const held: string[] = [];
    const outcome: CallOutcome = { succeeded: true, streamed: true, inputTokens: 0, outputTokens: 0, text: '', finishReason: null };
    const write = async (line: string) => {
      if (!raw.write(line)) await once(raw, 'drain', { signal: cancellation.toAbortSignal() });
    };
    try {
      while (!next.done) {
        if (cancellation.aborted) throw asUpstreamError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        const event = next.value;
        if (event.kind === 'usage') {
          outcome.inputTokens = event.usage.inputTokens;
          outcome.outputTokens = event.usage.outputTokens;
          if (includeUsage) held.push(`data: ${JSON.stringify(event.chunk)}\n\n`);
        } else {
          outcome.text += event.text;
          const line = `data: ${JSON.stringify(event.chunk)}\n\n`;
          if (event.finishReason) {
            outcome.finishReason ??= event.finishReason;
            if (ctx.entry.gated) held.push(line);
            else await write(line);
          } else await write(line);
        }
        next = await events.next();
      }
    } catch (error) {
      const e = asUpstreamError(error);
      if (cancellation.aborted || e.status === 499) {
        // The client left: it pays for what it was sent, and a premium stream's text is audited.
        finished = true;
        ctx.log.info({ meteringId: ctx.requestId }, 'client closed the stream');
        this.recorder.auditAbandoned(ctx, outcome, 'cancelled');
        this.recorder.meterCancelled(ctx, outcome);
        raw.destroy();
        return;
      }
      this.recorder.auditAbandoned(ctx, outcome, 'failed');
      this.recorder.meter(ctx, { ...outcome, succeeded: false });
      return this.endWithError(raw, upstreamToOpenAI(e), () => (finished = true));
    }
    try {
      await this.recorder.auditIfGated(ctx, outcome);
    } catch (error) {
      return this.endWithError(raw, error as OpenAIError, () => (finished = true));
    }
    this.recorder.meter(ctx, outcome);
    finished = true;
    raw.end(`${held.join('')}data: [DONE]\n\n`);
  }

  /** Mid-stream errors travel as an SSE event with an `error` object; the SDKs raise it. */
  private endWithError(raw: FastifyReply['raw'], error: OpenAIError, done: () => void): void {
    done();
    raw.end(`data: ${JSON.stringify(error.body())}\n\n`);
  }
}
