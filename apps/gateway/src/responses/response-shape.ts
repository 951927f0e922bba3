import type { TokenUsage } from '../upstream/upstream.types';
import type { ResponsesRequest } from './responses-request';

type Json = Record<string, unknown>;

/** What every Response object of one call shares: its id, creation time, model and echoed parameters. */
export interface ResponseDraft {
  id: string;
  /** The hex of the call id: output item ids are `msg_<hex>` and `fc_<hex>_<n>`, so a reference finds its response. */
  hex: string;
  createdAt: number;
  model: string;
  req: ResponsesRequest;
}

export const messageItemId = (hex: string) => `msg_${hex}`;
export const functionItemId = (hex: string, n: number) => `fc_${hex}_${n}`;
/** The response an output item id belongs to, or null for ids this gateway did not make. */
export const responseIdOfItem = (itemId: string): string | null =>
  /^(?:msg|fc)_([0-9a-f]{32})(?:_\d+)?$/.exec(itemId)?.[1] ?? null;

/** The chat finish reason as a Response status. */
export function statusOf(finishReason: string | null): { status: string; incomplete: Json | null } {
  if (finishReason === 'length')
    return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter')
    return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { status: 'completed', incomplete: null };
}

export const usageOf = (u: TokenUsage): Json => ({
  input_tokens: u.inputTokens,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: u.outputTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: u.inputTokens + u.outputTokens,
});

/** An OpenAI Response object (the fields the API reference lists, parameters echoed with OpenAI's defaults). */
export function responseObject(
  d: ResponseDraft,
  status: string,
  output: Json[],
  usage: Json | null,
  incomplete: Json | null = null,
): Json {
  const r = d.req;
  return {
    id: d.id,
    object: 'response',
    created_at: d.createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: incomplete,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    max_tool_calls: null,
    model: d.model,
    output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: r.store ?? true,
    temperature: r.temperature ?? 1,
    text: { format: r.text?.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_logprobs: 0,
    top_p: r.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: r.user ?? null,
    metadata: r.metadata ?? {},
  };
}

export const messageItem = (id: string, text: string, status = 'completed'): Json => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'in_progress' ? [] : [outputText(text)],
});

export const outputText = (text: string): Json => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
});

export const functionCallItem = (
  id: string,
  callId: string,
  name: string,
  args: string,
  status = 'completed',
): Json => ({
  id,
  type: 'function_call',
  status,
  arguments: args,
  call_id: callId,
  name,
});

interface ChatMessageOut {
  content?: string | null;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
}

/** A chat completion's message as Response output items: a message with its text, then one item per tool call. */
export function outputItems(hex: string, message: ChatMessageOut | undefined): Json[] {
  const out: Json[] = [];
  if (message?.content) out.push(messageItem(messageItemId(hex), message.content));
  for (const [n, call] of (message?.tool_calls ?? []).entries()) {
    out.push(
      functionCallItem(
        functionItemId(hex, n),
        call.id ?? `call_${hex}_${n}`,
        call.function?.name ?? '',
        call.function?.arguments ?? '',
      ),
    );
  }
  return out;
}

/** Output items as the chat messages they continue a conversation with (the history behind `previous_response_id`). */
export function itemsAsMessages(output: Json[]): Json[] {
  const text = output
    .filter((i) => i.type === 'message')
    .map((i) => ((i.content as Json[])[0]?.text as string) ?? '')
    .join('');
  const calls = output
    .filter((i) => i.type === 'function_call')
    .map((i) => ({
      id: i.call_id,
      type: 'function',
      function: { name: i.name, arguments: i.arguments },
    }));
  return [
    { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) },
  ];
}
