import { countChatPromptTokens, countTextTokens, type Model } from '@velvet/catalog';
import { sha256Hex } from '@velvet/common';
import { z } from 'zod';
import { OpenAIError } from '../http/openai-error';

const contentPart = z.looseObject({ type: z.string() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
});

/**
 * The chat-completions body. Known parameters are type-checked (a wrong type is a 400 naming the
 * parameter); unknown ones pass through to OpenAI-compatible upstreams untouched.
 */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(128),
  messages: z.array(message).min(1).max(4096),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.int().min(1).max(16).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  seed: z.int().nullish(),
  user: z.string().max(256).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({})]).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * Deeper than any real request (JSON schemas in `tools` and `response_format` included): the body
 * is hashed for Idempotency-Key, serialised for upstreams and fingerprinted for the audit by
 * recursive code, which a body nested 200,000 levels deep would overflow (a 500).
 */
export const MAX_BODY_DEPTH = 128;

/**
 * The first path nested deeper than `max`, or null. Iterative: the check itself cannot overflow.
 * It keeps one frame per container on the current path (at most `max`), walks arrays by index and
 * steps over primitives without allocating, and builds the path string only for its answer: a
 * 4 MB array of numbers costs a loop, not millions of stack entries and path strings. Children are
 * visited last first, depth first, so the path reported is the one the earlier walk reported.
 */
export function tooDeep(value: unknown, max = MAX_BODY_DEPTH): string | null {
  if (!value || typeof value !== 'object') return null;
  if (max <= 0) return '';
  const containers: object[] = [value];
  // An object's own keys (an array's children are its indices: null), and the next child to visit.
  const keys: (string[] | null)[] = [];
  const next: number[] = [];
  const open = (v: object) => {
    const k = Array.isArray(v) ? null : Object.keys(v);
    keys.push(k);
    next.push((k ?? (v as unknown[])).length - 1);
  };
  open(value);
  while (containers.length) {
    const top = containers.length - 1;
    const i = next[top]--;
    if (i < 0) {
      containers.pop();
      keys.pop();
      next.pop();
      continue;
    }
    const k = keys[top];
    const child: unknown = k
      ? (containers[top] as Record<string, unknown>)[k[i]]
      : (containers[top] as unknown[])[i];
    if (!child || typeof child !== 'object') continue;
    // The child's depth is the number of containers above it.
    if (containers.length >= max) {
      // Each open frame's child on the path is the one just taken from it (next + 1).
      return containers
        .map((_, j) => {
          const names = keys[j];
          return names ? names[next[j] + 1] : String(next[j] + 1);
        })
        .join('.');
    }
    containers.push(child);
    open(child);
  }
  return null;
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw OpenAIError.badRequest('The request body must be a JSON object.');
  }
  const deep = tooDeep(body);
  if (deep !== null) {
    const param = deep.split('.')[0];
    throw OpenAIError.badRequest(
      `Invalid value for \`${param}\`: the body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
      param,
      'invalid_value',
    );
  }
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  throw OpenAIError.badRequest(
    `Invalid value for \`${param ?? 'body'}\`: ${issue.message}`,
    param,
    'invalid_value',
  );
}

/**
 * One content part as the model sees it, for the audit: text and refusals as they are; an image or
 * file by its URL, or by the SHA-256 of inline data (megabytes of base64 do not belong in the log,
 * but the record must still tell two different images apart); any other part as its JSON.
 */
function partText(part: Record<string, unknown>): string {
  if (typeof part.text === 'string') return part.text;
  if (typeof part.refusal === 'string') return part.refusal;
  const ref =
    (part.image_url as { url?: unknown } | undefined)?.url ??
    (part.file as { file_data?: unknown } | undefined)?.file_data;
  if (typeof ref === 'string')
    return ref.startsWith('data:')
      ? `[${part.type} sha256:${sha256Hex(ref)}]`
      : `[${part.type} ${ref}]`;
  return `[${JSON.stringify(part)}]`;
}

/**
 * Every message's text, role-tagged, for token estimates and the audit record. Whatever else the
 * model reads is in it too — refusals, tool calls and their arguments, legacy function calls, tool
 * definitions and a response schema — so nothing a client sends the model can stay out of the
 * audited text (a distiller could otherwise carry its prompts in a tool description).
 */
export function promptText(req: ChatRequest): string {
  let out = '';
  for (const m of req.messages) {
    let text = '';
    if (typeof m.content === 'string') text = m.content;
    else if (Array.isArray(m.content)) for (const p of m.content) text += partText(p);
    if (typeof m.refusal === 'string') text += m.refusal;
    out += `${m.role}: ${text}\n`;
    const calls = [
      ...(Array.isArray(m.tool_calls) ? m.tool_calls : []),
      ...(m.function_call ? [{ function: m.function_call }] : []),
    ];
    for (const call of calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
      out += `${m.role} calls ${String(call?.function?.name)}: ${typeof call?.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call?.function?.arguments ?? null)}\n`;
    }
  }
  if (req.tools?.length) out += `tools: ${JSON.stringify(req.tools)}\n`;
  if (req.functions !== undefined && req.functions !== null)
    out += `functions: ${JSON.stringify(req.functions)}\n`;
  if (req.response_format && req.response_format.type !== 'text')
    out += `response_format: ${JSON.stringify(req.response_format)}\n`;
  return out;
}

/**
 * Prompt tokens as OpenAI counts chat messages (and tool definitions), with the model's tokenizer.
 * Counting stops past the model's context window: a result above it only says the prompt is longer.
 */
export const promptTokensOf = (
  req: ChatRequest,
  model: Pick<Model, 'tokenizer'> & Partial<Pick<Model, 'contextWindow'>>,
): number => countChatPromptTokens(req.messages, req.tools, model.tokenizer, model.contextWindow);

/** Tokens of text actually delivered, with the model's tokenizer: wherever the upstream reports no usage. */
export const completionTokensOf = (text: string, model: Pick<Model, 'tokenizer'>): number =>
  countTextTokens(text, model.tokenizer);

export const requestedMaxTokens = (req: ChatRequest): number | null =>
  req.max_completion_tokens ?? req.max_tokens ?? null;
