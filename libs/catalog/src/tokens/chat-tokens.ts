import { countTextTokens, type TokenizerEncoding } from './encodings';

/** The parts of a chat message that count, structurally (the gateway's parsed request fits it). */
export interface CountableMessage {
  role: string;
  content?: unknown;
  name?: string;
  tool_call_id?: unknown;
  tool_calls?: unknown;
  [k: string]: unknown;
}

interface CountableTool {
  type?: string;
  function?: {
    name?: unknown;
    description?: unknown;
    parameters?: {
      properties?: Record<string, { type?: unknown; description?: unknown; enum?: unknown[] }>;
    };
  };
}

/** OpenAI's accounting for chat models: every message costs 3 tokens, a name 1 more, and the reply is primed with 3. */
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
/** OpenAI cookbook constants for function definitions (gpt-4o family). */
const FUNC_INIT = 7;
const PROP_INIT = 3;
const PROP_KEY = 3;
const ENUM_INIT = -3;
const ENUM_ITEM = 3;
const FUNC_END = 12;

/**
 * Counts of recent strings: roles, system prompts, templates and conversation history repeat
 * from call to call, and encoding is the costly part (tiktoken: about 2 µs for "hi", then about
 * 0.3 µs a character). Bounded in entries and characters.
 */
const MAX_CACHED = 4096;
const MAX_CACHED_CHARS = 4_000_000;
const cache = new Map<string, number>();
let cachedChars = 0;

function countCached(text: string, encoding: TokenizerEncoding): number {
  const key = `${encoding}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit;
  }
  const count = countTextTokens(text, encoding);
  cache.set(key, count);
  cachedChars += key.length;
  for (const [oldest] of cache) {
    if (cache.size <= MAX_CACHED && cachedChars <= MAX_CACHED_CHARS) break;
    cache.delete(oldest);
    cachedChars -= oldest.length;
  }
  return count;
}

function contentTokens(content: unknown, encoding: TokenizerEncoding): number {
  if (typeof content === 'string') return countCached(content, encoding);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content as { text?: unknown; refusal?: unknown }[]) {
    if (typeof part?.text === 'string') n += countCached(part.text, encoding);
    else if (typeof part?.refusal === 'string') n += countCached(part.refusal, encoding);
  }
  return n;
}

function toolCallTokens(calls: unknown, encoding: TokenizerEncoding): number {
  if (!Array.isArray(calls)) return 0;
  let n = 0;
  for (const c of calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
    if (typeof c?.function?.name === 'string') n += countCached(c.function.name, encoding);
    if (typeof c?.function?.arguments === 'string')
      n += countCached(c.function.arguments, encoding);
  }
  return n;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const trimDot = (s: string): string => (s.endsWith('.') ? s.slice(0, -1) : s);

/** The OpenAI cookbook's estimate of what tool (function) definitions add to the prompt. */
export function toolDefinitionTokens(
  tools: readonly unknown[] | null | undefined,
  encoding: TokenizerEncoding,
): number {
  if (!tools?.length) return 0;
  let n = 0;
  for (const tool of tools as CountableTool[]) {
    const fn = tool?.function;
    if (!fn) continue;
    n += FUNC_INIT + countCached(`${str(fn.name)}:${trimDot(str(fn.description))}`, encoding);
    const properties = fn.parameters?.properties ?? {};
    const keys = Object.keys(properties);
    if (keys.length) n += PROP_INIT;
    for (const key of keys) {
      const p = properties[key] ?? {};
      n += PROP_KEY;
      if (Array.isArray(p.enum)) {
        n += ENUM_INIT;
        for (const item of p.enum) n += ENUM_ITEM + countCached(String(item), encoding);
      }
      n += countCached(`${key}:${str(p.type)}:${trimDot(str(p.description))}`, encoding);
    }
  }
  return n + FUNC_END;
}

/**
 * Prompt tokens of a chat request the way OpenAI counts them (the cookbook's
 * `num_tokens_from_messages`): the role, content, name and tool-call fields of every message,
 * 3 tokens of framing each, 1 per name, 3 to prime the reply, plus the tool definitions.
 */
export function countChatPromptTokens(
  messages: readonly CountableMessage[],
  tools: readonly unknown[] | null | undefined,
  encoding: TokenizerEncoding,
): number {
  let n = REPLY_PRIMING;
  for (const m of messages) {
    n += PER_MESSAGE + countCached(m.role, encoding) + contentTokens(m.content, encoding);
    if (typeof m.name === 'string') n += PER_NAME + countCached(m.name, encoding);
    if (typeof m.tool_call_id === 'string') n += countCached(m.tool_call_id, encoding);
    n += toolCallTokens(m.tool_calls, encoding);
  }
  return n + toolDefinitionTokens(tools, encoding);
}
