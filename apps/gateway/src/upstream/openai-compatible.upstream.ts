import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
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
    const res = await this.send(call, false);
    const json = (await res.body.json().catch(() => {
      throw new UpstreamError(
        502,
        'upstream_bad_response',
        'The upstream returned a malformed response.',
      );
    })) as Json;
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
    let buffer = '';
    let sawUsage = false;
    const delivered: string[] = [];
    try {
      for await (const piece of res.body) {
        buffer += piece.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') break;
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
    const res = await this.send(call, false, `${this.base}/${endpoint}`, {
      ...body,
      model: this.config.upstreamModel,
    });
    return (await res.body.json().catch(() => {
      throw new UpstreamError(
        502,
        'upstream_bad_response',
        'The upstream returned a malformed response.',
      );
    })) as Json;
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

  private async send(
    call: UpstreamRequest,
    stream: boolean,
    path = this.path,
    given?: Json,
  ): Promise<Dispatcher.ResponseData> {
    // The client's body as sent, but for the model name: no injected limits (the spend hold uses
    // the catalog's max output instead). A stream also asks for usage, so it is metered exactly.
    const body: Json = given ?? { ...call.req, model: this.config.upstreamModel };
    if (stream && !given) body.stream_options = { ...call.req.stream_options, include_usage: true };
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool.request({
        path,
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: call.cancellation,
        // Idle limits: time to first byte, and between body chunks (a stream may run long but never stall).
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
    } catch (error) {
      throw asUpstreamError(error);
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      let message = `The upstream answered ${res.statusCode}.`;
      try {
        const m = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
        if (typeof m === 'string') message = m;
      } catch {
        /* not JSON: keep the generic message */
      }
      if (CLIENT_STATUSES.has(res.statusCode))
        throw new UpstreamError(res.statusCode, 'upstream_rejected_request', message);
      if (res.statusCode === 429) {
        const retryAfter =
          typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : '1';
        throw new UpstreamError(
          429,
          'upstream_rate_limited',
          'The upstream is rate limiting; retry later.',
          retryAfter,
        );
      }
      throw new UpstreamError(
        502,
        'upstream_error',
        `The upstream failed (status ${res.statusCode}).`,
      );
    }
    return res;
  }
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
