import { once } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OpenAIError } from '../http/openai-error';
import { asUpstreamError } from '../upstream/openai-compatible.upstream';
import { UpstreamRegistry } from '../upstream/upstream.registry';
import type { StreamEvent, UpstreamError, UpstreamRequest } from '../upstream/upstream.types';
import type { CallContext, CallOutcome } from './call-context';
import { round } from './call-admission';
import { CallRecorder } from './call-recorder';

const failed = (streamed: boolean): CallOutcome => ({ succeeded: false, inputTokens: 0, outputTokens: 0, text: '', finishReason: null, streamed });

function upstreamToOpenAI(e: UpstreamError): OpenAIError {
  const type = e.status < 500 ? 'invalid_request_error' : 'api_error';
  return new OpenAIError(e.status, type, e.code, e.message, null, e.retryAfter ? { 'retry-after': e.retryAfter } : {});
}

/**
 * Runs an admitted call against its upstream. Premium (gated) responses are released only after
 * their audit record is accepted; streams hold back the finishing chunk, the usage chunk and
 * `[DONE]` until then, and end with an error event instead if the audit record is refused.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly upstreams: UpstreamRegistry,
    private readonly recorder: CallRecorder,
  ) {}

  private call(ctx: CallContext, signal: AbortSignal): UpstreamRequest {
    const { entry, req, completionId, promptText, promptTokens, maxTokens } = ctx;
    return { model: entry.model, req, completionId, promptText, promptTokens, maxTokens, signal };
  }

  async complete(ctx: CallContext, reply: FastifyReply): Promise<void> {
    const abort = new AbortController();
    // Only a client that leaves early cancels the upstream call (aborting builds a costly DOMException).
    reply.raw.once('close', () => reply.raw.writableFinished || abort.abort());
    let completion;
    const t0 = performance.now();
    try {
      completion = await this.upstreams.for(ctx.entry.model).complete(this.call(ctx, abort.signal));
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

  async stream(ctx: CallContext, reply: FastifyReply): Promise<void> {
    const abort = new AbortController();
    const raw = reply.raw;
    let finished = false;
    raw.once('close', () => finished || abort.abort());
    const events = this.upstreams.for(ctx.entry.model).stream(this.call(ctx, abort.signal))[Symbol.asyncIterator]();
    let next: IteratorResult<StreamEvent>;
    try {
      next = await events.next();
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
      if (!raw.write(line)) await once(raw, 'drain', { signal: abort.signal });
    };
    try {
      while (!next.done) {
        if (abort.signal.aborted) throw asUpstreamError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
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
      if (abort.signal.aborted || e.status === 499) {
        // The client left: nothing is charged; a premium stream's delivered text is still audited.
        finished = true;
        ctx.log.info({ meteringId: ctx.requestId }, 'client closed the stream');
        this.recorder.auditAbandoned(ctx, { ...outcome, succeeded: false });
        this.recorder.meter(ctx, { ...outcome, succeeded: false });
        raw.destroy();
        return;
      }
      this.recorder.auditAbandoned(ctx, { ...outcome, succeeded: false });
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
