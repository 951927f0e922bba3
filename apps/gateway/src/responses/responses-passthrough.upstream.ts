import { completionTokensOf } from '../chat/chat-request.schema';
import type { OpenAICompatibleUpstream } from '../upstream/openai-compatible.upstream';
import { asUpstreamError } from '../upstream/openai-compatible.upstream';
import { sseData } from '../upstream/sse-lines';
import {
  type Completion,
  type StreamEvent,
  type Upstream,
  type UpstreamRequest,
  UpstreamError,
} from '../upstream/upstream.types';
import type { ChatMessage } from './responses-request';
import {
  functionItemId,
  itemsAsMessages,
  messageItemId,
  type ResponseDraft,
} from './response-shape';
import type { SaveResponse } from './responses-over-chat.upstream';

type Json = Record<string, unknown>;

/** The gateway's conversation (chat messages) as Responses input items, for an upstream that speaks Responses. */
export function messagesAsItems(messages: ChatMessage[]): Json[] {
  const items: Json[] = [];
  for (const m of messages) {
    if (m.role === 'tool')
      items.push({
        type: 'function_call_output',
        call_id: m.tool_call_id,
        output: typeof m.content === 'string' ? m.content : '',
      });
    else if (m.role === 'assistant') {
      if (m.content) items.push({ role: 'assistant', content: m.content });
      for (const c of (m.tool_calls as
        { id: string; function: { name: string; arguments: string } }[] | undefined) ?? []) {
        items.push({
          type: 'function_call',
          call_id: c.id,
          name: c.function.name,
          arguments: c.function.arguments,
        });
      }
    } else {
      const content = Array.isArray(m.content)
        ? (m.content as Json[]).map((p) =>
            p.type === 'image_url'
              ? { type: 'input_image', image_url: (p.image_url as Json).url }
              : { type: 'input_text', text: p.text },
          )
        : m.content;
      items.push({ role: m.role, content });
    }
  }
  return items;
}

interface Usage {
  input_tokens?: number;
  output_tokens?: number;
}

/**
 * The Responses API passed through to an upstream that speaks it (`upstream.responsesApi`). The
 * gateway still keeps the conversation (per organisation): the upstream gets the whole input with
 * `store: false` and no `previous_response_id`, so a response id of one organisation can never
 * be resolved at the upstream for another. Ids are rewritten to the gateway's (`resp_`, `msg_`, `fc_`).
 */
export class ResponsesPassthrough implements Upstream {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly upstream: OpenAICompatibleUpstream,
    private readonly draft: ResponseDraft,
    private readonly body: Json,
    private readonly conversation: ChatMessage[],
    private readonly save: SaveResponse,
  ) {}

  private request(stream: boolean): Json {
    const { previous_response_id: _previous, ...rest } = this.body;
    return { ...rest, input: messagesAsItems(this.conversation), store: false, stream };
  }

  /** Our id for an upstream id (the response, and each output item in order). */
  private rename(upstreamId: unknown, kind: 'response' | 'item', item?: Json): void {
    if (typeof upstreamId !== 'string' || this.ids.has(upstreamId)) return;
    if (kind === 'response') return void this.ids.set(upstreamId, this.draft.id);
    const n = [...this.ids.values()].filter((v) => v.startsWith('fc_')).length;
    if (item?.type === 'message') this.ids.set(upstreamId, messageItemId(this.draft.hex));
    else if (item?.type === 'function_call')
      this.ids.set(upstreamId, functionItemId(this.draft.hex, n));
  }

  private rewrite<T>(value: T): T {
    let json = JSON.stringify(value);
    for (const [from, to] of this.ids)
      json = json.split(JSON.stringify(from)).join(JSON.stringify(to));
    const out = JSON.parse(json) as Json;
    const fix = (r: Json | undefined) => {
      if (!r) return;
      r.model = this.draft.model;
      r.previous_response_id = this.draft.req.previous_response_id ?? null;
      r.store = this.draft.req.store ?? true;
    };
    if (out.object === 'response') fix(out);
    else fix(out.response as Json | undefined);
    return out as T;
  }

  private async finish(response: Json): Promise<void> {
    await this.save(response, [
      ...this.conversation,
      ...(itemsAsMessages((response.output as Json[]) ?? []) as ChatMessage[]),
    ]);
  }

  async complete(call: UpstreamRequest): Promise<Completion> {
    const raw = await this.upstream.post('responses', this.request(false), call);
    this.rename(raw.id, 'response');
    for (const item of (raw.output as Json[]) ?? []) this.rename(item.id, 'item', item);
    const body = this.rewrite(raw);
    await this.finish(body);
    const usage = body.usage as Usage | undefined;
    const text = textOf(body);
    return {
      body,
      text,
      finishReason: body.status === 'incomplete' ? 'length' : 'stop',
      inputTokens: usage?.input_tokens ?? call.promptTokens,
      outputTokens: usage?.output_tokens ?? completionTokensOf(text, call.model),
    };
  }

  async *stream(call: UpstreamRequest): AsyncIterable<StreamEvent> {
    const source = await this.upstream.postStream('responses', this.request(true), call);
    let delivered = '';
    let final: Json | null = null;
    try {
      for await (const data of sseData(source)) {
        if (data.trim() === '[DONE]') continue;
        const event = JSON.parse(data) as Json;
        const type = String(event.type ?? '');
        if (type === 'error' || type === 'response.failed')
          throw new UpstreamError(502, 'upstream_error', 'The upstream failed mid-stream.');
        if (type === 'response.created') this.rename((event.response as Json).id, 'response');
        if (type === 'response.output_item.added')
          this.rename((event.item as Json).id, 'item', event.item as Json);
        const out = this.rewrite(event);
        let text = '';
        if (
          type === 'response.output_text.delta' ||
          type === 'response.function_call_arguments.delta'
        )
          text = String(event.delta ?? '');
        if (type === 'response.output_item.added' && (event.item as Json).type === 'function_call')
          text = String((event.item as Json).name ?? '');
        delivered += text;
        const closing =
          type.endsWith('.done') || type === 'response.completed' || type === 'response.incomplete';
        if (type === 'response.completed' || type === 'response.incomplete') {
          final = out.response as Json;
          await this.finish(final);
        }
        yield {
          kind: 'chunk',
          event: type,
          chunk: out,
          text,
          finishReason: closing ? (type === 'response.incomplete' ? 'length' : 'stop') : null,
        };
      }
    } catch (error) {
      throw asUpstreamError(error);
    }
    const usage = final?.usage as Usage | undefined;
    yield {
      kind: 'usage',
      chunk: {},
      usage: {
        inputTokens: usage?.input_tokens ?? call.promptTokens,
        outputTokens: usage?.output_tokens ?? completionTokensOf(delivered, call.model),
      },
    };
  }
}

/** The text a client receives: output text and function call names and arguments. */
function textOf(response: Json): string {
  let text = '';
  for (const item of (response.output as Json[]) ?? []) {
    if (item.type === 'message')
      for (const c of (item.content as Json[]) ?? [])
        text += typeof c.text === 'string' ? c.text : '';
    if (item.type === 'function_call')
      text += String(item.name ?? '') + String(item.arguments ?? '');
  }
  return text;
}
