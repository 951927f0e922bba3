import { z } from 'zod';
import { bodyObject, invalid } from '../endpoints/prepare-as-chat';
import { OpenAIError } from '../http/openai-error';
import { responseIdOfItem } from './response-shape';

type Json = Record<string, unknown>;

const part = z.looseObject({ type: z.string() });
const item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

/** The Responses body. Known parameters are type-checked (400 naming the parameter); others are kept. */
export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1).max(128),
  input: z.union([z.string(), z.array(item).max(4096)]).optional(),
  instructions: z.string().nullish(),
  previous_response_id: z.string().max(128).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  max_output_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  tools: z
    .array(z.looseObject({ type: z.string() }))
    .max(128)
    .nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  text: z
    .looseObject({
      format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
    })
    .nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().max(256).nullish(),
  seed: z.int().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(bodyObject(body));
  if (!result.success) throw invalid(result.error.issues);
  if (result.data.input === undefined && !result.data.previous_response_id)
    throw OpenAIError.badRequest(
      'Missing required parameter: `input`.',
      'input',
      'missing_required_parameter',
    );
  return result.data;
}

/** A chat message as the gateway keeps a conversation (the history behind `previous_response_id`). */
export type ChatMessage = Json & { role: string };

/** Looks up an earlier output item by id (`item_reference`), or null. */
export type ItemLookup = (id: string) => Promise<Json | null>;

/**
 * At most this many `item_reference` items per request. Each names one earlier output item (a
 * message or a function call); a conversation that needs more of them has `previous_response_id`,
 * which carries a whole conversation in one lookup. Without a cap, 4,096 references to one item of
 * a large stored response made one small request fetch and copy gigabytes.
 */
export const MAX_ITEM_REFERENCES = 100;

/**
 * What the referenced items may add to a request, in bytes of text (each reference counted, as
 * each becomes a copy of its item in the prompt, the audit text and the upstream's body): the
 * gateway's default body limit (GATEWAY_BODY_LIMIT_BYTES), so that references cannot make a
 * request larger than a body the gateway would accept.
 */
export const MAX_RESOLVED_REFERENCE_BYTES = 4 * 1024 * 1024;

export interface ReferenceLimits {
  maxReferences?: number;
  maxResolvedBytes?: number;
}

/** The UTF-8 bytes of every string in an item (its text, arguments, output, ids...). */
function textBytes(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') n += Buffer.byteLength(v, 'utf8');
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else if (v && typeof v === 'object') for (const k in v) stack.push((v as Json)[k]);
  }
  return n;
}

/**
 * The items a request references, by id: each id looked up once, whatever the number of references
 * to it. The ids of one stored response are looked up together (the store reads and parses a
 * response once for concurrent lookups of its items), one response after another, so a request
 * holds one parsed stored response at a time. A missing item is null (refused in input order).
 */
async function resolveReferences(
  input: readonly unknown[],
  lookup: ItemLookup,
  limits: ReferenceLimits,
): Promise<Map<string, Json | null>> {
  const maxReferences = limits.maxReferences ?? MAX_ITEM_REFERENCES;
  const maxBytes = limits.maxResolvedBytes ?? MAX_RESOLVED_REFERENCE_BYTES;
  const references: string[] = [];
  for (const raw of input) {
    const it = raw as Json;
    if (it?.type === 'item_reference' && typeof it.id === 'string') references.push(it.id);
    else if (it?.type === 'item_reference') references.push('');
  }
  if (references.length > maxReferences)
    throw OpenAIError.badRequest(
      `Invalid value for \`input\`: at most ${maxReferences} item references per request (got ${references.length}); use previous_response_id to continue a conversation.`,
      'input',
      'invalid_value',
    );
  const byResponse = new Map<string, string[]>();
  for (const id of new Set(references)) {
    if (!id) continue;
    const response = responseIdOfItem(id) ?? id;
    const ids = byResponse.get(response);
    if (ids) ids.push(id);
    else byResponse.set(response, [id]);
  }
  const found = new Map<string, Json | null>();
  const bytes = new Map<string, number>();
  for (const ids of byResponse.values()) {
    const items = await Promise.all(ids.map((id) => lookup(id)));
    ids.forEach((id, i) => {
      found.set(id, items[i]);
      bytes.set(id, items[i] ? textBytes(items[i]) : 0);
    });
  }
  let total = 0;
  for (const id of references) total += bytes.get(id) ?? 0;
  if (total > maxBytes)
    throw OpenAIError.badRequest(
      `Invalid value for \`input\`: the referenced items add ${total} bytes of text, more than the ${maxBytes} a request may carry; reference fewer or smaller items.`,
      'input',
      'invalid_value',
    );
  return found;
}

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: Json) =>
      typeof p?.text === 'string' ? p.text : typeof p?.refusal === 'string' ? p.refusal : '',
    )
    .join('');
};

/** input_text/output_text/input_image parts as chat content parts; a single text stays a string. */
function chatContent(content: unknown, at: string): string | Json[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw OpenAIError.badRequest(
      `Invalid value for \`${at}.content\`: expected a string or an array of content parts.`,
      `${at}.content`,
      'invalid_value',
    );
  const parts = content.map((p: Json, i) => {
    const r = part.safeParse(p);
    if (!r.success)
      throw OpenAIError.badRequest(
        `Invalid value for \`${at}.content.${i}\`: expected a content part.`,
        `${at}.content.${i}`,
        'invalid_value',
      );
    if (p.type === 'input_text' || p.type === 'output_text' || p.type === 'text')
      return { type: 'text', text: String(p.text ?? '') };
    if (p.type === 'refusal') return { type: 'text', text: String(p.refusal ?? '') };
    if (p.type === 'input_image' && typeof p.image_url === 'string')
      return { type: 'image_url', image_url: { url: p.image_url, detail: p.detail ?? 'auto' } };
    throw OpenAIError.badRequest(
      `Content part type \`${String(p.type)}\` is not supported by this model.`,
      `${at}.content.${i}.type`,
      'unsupported_value',
    );
  });
  return parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('') : parts;
}

/**
 * Responses input items as chat messages: messages, function calls and their outputs, references to
 * earlier items. References are capped (`MAX_ITEM_REFERENCES`), each referenced item is looked up
 * once per request, and what they add is bounded (`MAX_RESOLVED_REFERENCE_BYTES`) before any of it
 * is copied into the conversation.
 */
export async function inputToMessages(
  input: ResponsesRequest['input'],
  lookup: ItemLookup,
  limits: ReferenceLimits = {},
): Promise<ChatMessage[]> {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const resolved = await resolveReferences(input, lookup, limits);
  const out: ChatMessage[] = [];
  for (const [i, raw] of input.entries()) {
    let it = raw as Json;
    const at = `input.${i}`;
    if (it.type === 'item_reference') {
      const found = typeof it.id === 'string' ? (resolved.get(it.id) ?? null) : null;
      if (!found)
        throw new OpenAIError(
          404,
          'invalid_request_error',
          'item_not_found',
          `Item with id '${String(it.id)}' not found.`,
          `${at}.id`,
        );
      it = found;
    }
    const type = it.type ?? 'message';
    if (type === 'message') {
      const role = it.role === 'developer' ? 'developer' : it.role;
      if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
        throw OpenAIError.badRequest(
          `Invalid value for \`${at}.role\`: expected user, assistant, system or developer.`,
          `${at}.role`,
          'invalid_value',
        );
      }
      out.push({
        role,
        content: role === 'assistant' ? textOf(it.content) : chatContent(it.content, at),
      });
    } else if (type === 'function_call') {
      if (
        typeof it.call_id !== 'string' ||
        typeof it.name !== 'string' ||
        typeof it.arguments !== 'string'
      ) {
        throw OpenAIError.badRequest(
          `Invalid value for \`${at}\`: a function_call needs call_id, name and arguments.`,
          at,
          'invalid_value',
        );
      }
      const call = {
        id: it.call_id,
        type: 'function',
        function: { name: it.name, arguments: it.arguments },
      };
      // Consecutive calls of one turn belong to one assistant message, as in chat completions.
      const last = out[out.length - 1];
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls))
        (last.tool_calls as Json[]).push(call);
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      if (typeof it.call_id !== 'string')
        throw OpenAIError.badRequest(
          `Missing \`${at}.call_id\`.`,
          `${at}.call_id`,
          'invalid_value',
        );
      out.push({
        role: 'tool',
        tool_call_id: it.call_id,
        content: typeof it.output === 'string' ? it.output : textOf(it.output),
      });
    } else if (type === 'reasoning') {
      continue;
    } else {
      throw OpenAIError.badRequest(
        `Input item type \`${String(type)}\` is not supported by this model.`,
        `${at}.type`,
        'unsupported_value',
      );
    }
  }
  return out;
}

/** The Responses parameters as chat-completions ones (over an upstream that speaks only chat). */
export function chatParameters(req: ResponsesRequest): Json {
  const out: Json = {};
  if (req.max_output_tokens != null) out.max_completion_tokens = req.max_output_tokens;
  for (const k of ['temperature', 'top_p', 'parallel_tool_calls', 'user', 'seed'] as const)
    if (req[k] != null) out[k] = req[k];
  if (req.tools?.length) {
    out.tools = req.tools.map((t, i) => {
      if (t.type !== 'function')
        throw OpenAIError.badRequest(
          `Tool type \`${t.type}\` is not supported by this model; only \`function\` tools are.`,
          `tools.${i}.type`,
          'unsupported_value',
        );
      if (typeof t.name !== 'string')
        throw OpenAIError.badRequest(
          'A function tool needs a `name`.',
          `tools.${i}.name`,
          'invalid_value',
        );
      const fn: Json = { name: t.name };
      for (const k of ['description', 'parameters', 'strict']) if (t[k] != null) fn[k] = t[k];
      return { type: 'function', function: fn };
    });
  }
  const choice = req.tool_choice;
  if (choice != null) {
    if (typeof choice === 'string') out.tool_choice = choice;
    else if (choice.type === 'function' && typeof choice.name === 'string')
      out.tool_choice = { type: 'function', function: { name: choice.name } };
    else
      throw OpenAIError.badRequest(
        `tool_choice \`${choice.type}\` is not supported by this model.`,
        'tool_choice',
        'unsupported_value',
      );
  }
  const format = req.text?.format;
  if (format?.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (format?.type === 'json_schema') {
    if (
      typeof format.name !== 'string' ||
      typeof format.schema !== 'object' ||
      format.schema === null
    ) {
      throw OpenAIError.badRequest(
        'text.format json_schema needs a `name` and a `schema`.',
        'text.format',
        'invalid_value',
      );
    }
    const schema: Json = { name: format.name, schema: format.schema };
    for (const k of ['strict', 'description']) if (format[k] != null) schema[k] = format[k];
    out.response_format = { type: 'json_schema', json_schema: schema };
  }
  return out;
}
