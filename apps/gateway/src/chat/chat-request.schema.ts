import { countChatPromptTokens, countTextTokens, type Model } from '@velvet/catalog';
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

/** The first path nested deeper than `max`, or null. Iterative: the check itself cannot overflow. */
export function tooDeep(value: unknown, max = MAX_BODY_DEPTH): string | null {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth >= max) return path;
    for (const [key, child] of Object.entries(v)) stack.push([child, path ? `${path}.${key}` : key, depth + 1]);
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
    throw OpenAIError.badRequest(`Invalid value for \`${param}\`: the body is nested more than ${MAX_BODY_DEPTH} levels deep.`, param, 'invalid_value');
  }
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  throw OpenAIError.badRequest(`Invalid value for \`${param ?? 'body'}\`: ${issue.message}`, param, 'invalid_value');
}

/** Every message's text, role-tagged, for token estimates and the audit record. */
export function promptText(req: ChatRequest): string {
  let out = '';
  for (const m of req.messages) {
    let text = '';
    if (typeof m.content === 'string') text = m.content;
    else if (Array.isArray(m.content)) for (const p of m.content) if (typeof p.text === 'string') text += p.text;
    out += `${m.role}: ${text}\n`;
  }
  return out;
}

/** Prompt tokens as OpenAI counts chat messages (and tool definitions), with the model's tokenizer. */
export const promptTokensOf = (req: ChatRequest, model: Pick<Model, 'tokenizer'>): number =>
  countChatPromptTokens(req.messages, req.tools, model.tokenizer);

/** Tokens of text actually delivered, with the model's tokenizer: wherever the upstream reports no usage. */
export const completionTokensOf = (text: string, model: Pick<Model, 'tokenizer'>): number => countTextTokens(text, model.tokenizer);

export const requestedMaxTokens = (req: ChatRequest): number | null => req.max_completion_tokens ?? req.max_tokens ?? null;
