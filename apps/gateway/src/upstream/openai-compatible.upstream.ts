import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { bufferedRequest } from './buffered-request';
import { sseLines } from './sse-lines';
import { completionTokensOf } from '../chat/chat-request.schema';
import type { Completion, StreamEvent, Upstream, UpstreamRequest } from './upstream.types';
import { UpstreamError } from './upstream.types';

export interface OpenAICompatibleConfig {
  baseUrl: string;
  upstreamModel: string;
  apiKey?: string;
  timeoutMs: number;
  responsesApi?: boolean;
}

type Json = Record<string, unknown>;
interface RawMessage {
  content?: string | null;
  tool_calls?: { function?: { name?: string; arguments?: string } }[];
}
interface RawUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** Client errors the upstream found in the request are the client's; everything else is ours (502). */
const CLIENT_STATUSES = new Set([400, 413, 422]);

/**
 * Any OpenAI-compatible endpoint (vLLM, Ollama, OpenAI...). One undici Pool per origin keeps
 * connections alive; streams are parsed line by line and re-emitted with the catalog's model name.
 * The gateway always asks the upstream for stream usage, so streamed calls are metered exactly.
 */
export class OpenAICompatibleUpstream implements Upstream {
  private readonly base: string;
  private readonly path: string;

  constructor(
    private readonly pool: Pool,
    private readonly config: OpenAICompatibleConfig,
  ) {
    this.base = new URL(config.baseUrl).pathname.replace(/\/$/, '');
    this.path = `${this.base}/chat/completions`;
  }

  async complete(call: UpstreamRequest): Promise<Completion> {
    const json = await this.sendForJson(call, this.path, this.bodyOf(call, false));
    json.model = call.model.slug;
    const choices =
      (json.choices as { message?: RawMessage; finish_reason?: string | null }[]) ?? [];
    const texts = choices.map((c) => deliveredText(c.message));
    const usage = json.usage as RawUsage | undefined;
    return {
      body: json,
      text: texts.join('\n'),
      finishReason: choices[0]?.finish_reason ?? null,
      inputTokens: usage?.prompt_tokens ?? call.promptTokens,
      // Counted only when the upstream reports nothing: per choice, what the client receives.
      outputTokens:
        usage?.completion_tokens ??
        texts.reduce((sum, t) => sum + completionTokensOf(t, call.model), 0),
    };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    const res = await this.send(call, true);
    let sawUsage = false;
    const delivered: string[] = [];
    try {
      // One event per `data:` line, as OpenAI sends them (a blank line between them or not).
      for await (const raw of sseLines(res.body)) {
        const line = raw.trim();
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as Json;
        if (chunk.error)
          throw new UpstreamError(502, 'upstream_error', 'The upstream failed mid-stream.');
        chunk.model = call.model.slug;
        const usage = chunk.usage as RawUsage | null | undefined;
        const choices =
          (chunk.choices as {
            index?: number;
            delta?: RawMessage;
            finish_reason?: string | null;
          }[]) ?? [];
        if (usage && choices.length === 0) {
          sawUsage = true;
          yield {
            kind: 'usage',
            chunk,
            usage: {
              inputTokens: usage.prompt_tokens ?? 0,
              outputTokens: usage.completion_tokens ?? 0,
            },
          };
          continue;
        }
        let text = '';
        for (const c of choices) {
          const piece = deliveredText(c.delta);
          delivered[c.index ?? 0] = (delivered[c.index ?? 0] ?? '') + piece;
          text += piece;
        }
        yield {
          kind: 'chunk',
          chunk,
          text,
          finishReason: choices.find((c) => c.finish_reason)?.finish_reason ?? null,
        };
      }
    } catch (error) {
      throw asUpstreamError(error);
    }
    if (!sawUsage) {
      // An upstream that ignores stream_options: the tokens of the text it sent, per choice.
      const outputTokens = delivered.reduce(
        (sum, t) => sum + completionTokensOf(t ?? '', call.model),
        0,
      );
      const usage = { inputTokens: call.promptTokens, outputTokens };
      const chunk = {
        id: call.completionId,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model: call.model.slug,
        choices: [],
        usage: {
          prompt_tokens: usage.inputTokens,
          completion_tokens: usage.outputTokens,
          total_tokens: usage.inputTokens + usage.outputTokens,
        },
      };
      yield { kind: 'usage', chunk, usage };
    }
  }

  /**
   * Another endpoint of the same upstream (`embeddings`, `moderations`, `responses`): the client's
   * body as sent but for the model name, answered as JSON (or as the raw response for a stream).
   */
  async post(endpoint: string, body: Json, call: UpstreamRequest): Promise<Json> {
    return this.sendForJson(call, `${this.base}/${endpoint}`, {
      ...body,
      model: this.config.upstreamModel,
    });
  }

  /** As `post`, for a streamed answer: the upstream's raw server-sent events. */
  async postStream(
    endpoint: string,
    body: Json,
    call: UpstreamRequest,
  ): Promise<AsyncIterable<Buffer>> {
    const res = await this.send(call, true, `${this.base}/${endpoint}`, {
      ...body,
      model: this.config.upstreamModel,
    });
    return res.body;
  }

  /** Whether the upstream speaks the Responses API itself (the catalog's `upstream.responsesApi`). */
  get speaksResponses(): boolean {
    return this.config.responsesApi === true;
  }

  /** The client's body as sent, but for the model name (no injected limits: the spend hold uses the catalog's max output). */
  private bodyOf(call: UpstreamRequest, stream: boolean): Json {
    const body: Json = { ...call.req, model: this.config.upstreamModel };
    // A stream also asks for usage, so it is metered exactly.
    if (stream) body.stream_options = { ...call.req.stream_options, include_usage: true };
    return body;
  }

  private options(call: UpstreamRequest, stream: boolean, path: string, body: Json) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    return {
      path,
      method: 'POST' as const,
      headers,
      body: JSON.stringify(body),
      // Idle limits: time to first byte, and between body chunks (a stream may run long but never stall).
      headersTimeout: this.config.timeoutMs,
      bodyTimeout: this.config.timeoutMs,
    };
  }

  /** A plain answer, read whole (no stream around it: `bufferedRequest`) and parsed. */
  private async sendForJson(call: UpstreamRequest, path: string, body: Json): Promise<Json> {
    let res;
    try {
      res = await bufferedRequest(
        this.pool,
        this.options(call, false, path, body),
        call.cancellation,
      );
    } catch (error) {
      throw asUpstreamError(error);
    }
    if (res.statusCode >= 400)
      throw upstreamFailure(res.statusCode, res.text(), res.header('retry-after'));
    try {
      return JSON.parse(res.text()) as Json;
    } catch {
      throw new UpstreamError(
        502,
        'upstream_bad_response',
        'The upstream returned a malformed response.',
      );
    }
  }

  private async send(
    call: UpstreamRequest,
    stream: boolean,
    path = this.path,
    given?: Json,
  ): Promise<Dispatcher.ResponseData> {
    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool.request({
        ...this.options(call, stream, path, given ?? this.bodyOf(call, stream)),
        signal: call.cancellation,
      });
    } catch (error) {
      throw asUpstreamError(error);
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      const retryAfter = res.headers['retry-after'];
      throw upstreamFailure(
        res.statusCode,
        text,
        typeof retryAfter === 'string' ? retryAfter : undefined,
      );
    }
    return res;
  }
}

/** An upstream's error answer: the client's fault (its status) where the upstream found the request bad, else ours. */
function upstreamFailure(status: number, text: string, retryAfter?: string): UpstreamError {
  let message = `The upstream answered ${status}.`;
  try {
    const m = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (typeof m === 'string') message = m;
  } catch {
    /* not JSON: keep the generic message */
  }
  if (CLIENT_STATUSES.has(status))
    return new UpstreamError(status, 'upstream_rejected_request', message);
  if (status === 429)
    return new UpstreamError(
      429,
      'upstream_rate_limited',
      'The upstream is rate limiting; retry later.',
      retryAfter ?? '1',
    );
  return new UpstreamError(502, 'upstream_error', `The upstream failed (status ${status}).`);
}

/** The text a client receives in a message or delta: its content and any tool-call names and arguments. */
export function deliveredText(m: RawMessage | undefined): string {
  let text = m?.content ?? '';
  for (const call of m?.tool_calls ?? [])
    text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  return text;
}

export function asUpstreamError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const e = error as { code?: string; name?: string };
  if (
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT' ||
    e?.name === 'TimeoutError'
  ) {
    return new UpstreamError(504, 'upstream_timeout', 'The upstream did not answer in time.');
  }
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED')
    return new UpstreamError(499, 'client_closed', 'The client closed the request.');
  if (error instanceof SyntaxError)
    return new UpstreamError(502, 'upstream_bad_response', 'The upstream sent a malformed event.');
  return new UpstreamError(502, 'upstream_unreachable', 'The upstream could not be reached.');
}
