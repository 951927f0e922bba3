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

function countCached(text: string, encoding: TokenizerEncoding, limit = Infinity): number {
  const key = `${encoding}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit); // most recently used last
    return hit;
  }
  const count = countTextTokens(text, encoding, limit);
  if (count > limit) return count; // counting stopped there: not the text's count
  cache.set(key, count);
  cachedChars += key.length;
  for (const [oldest] of cache) {
    if (cache.size <= MAX_CACHED && cachedChars <= MAX_CACHED_CHARS) break;
    cache.delete(oldest);
    cachedChars -= oldest.length;
  }
  return count;
}

/** A running total that stops counting once past its limit (a prompt already too long for its model). */
class Tally {
  n: number;
  constructor(
    readonly encoding: TokenizerEncoding,
    readonly limit: number,
    start = 0,
  ) {
    this.n = start;
  }
  get over(): boolean {
    return this.n > this.limit;
  }
  add(tokens: number): void {
    this.n += tokens;
  }
  text(text: unknown): void {
    if (typeof text === 'string' && !this.over)
      this.n += countCached(text, this.encoding, this.limit - this.n);
  }
}

function addContent(tally: Tally, content: unknown): void {
  if (!Array.isArray(content)) return tally.text(content);
  for (const part of content as { text?: unknown; refusal?: unknown }[])
    tally.text(typeof part?.text === 'string' ? part.text : part?.refusal);
}

function addToolCalls(tally: Tally, calls: unknown): void {
  if (!Array.isArray(calls)) return;
  for (const c of calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
    tally.text(c?.function?.name);
    tally.text(c?.function?.arguments);
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const trimDot = (s: string): string => (s.endsWith('.') ? s.slice(0, -1) : s);

/** The OpenAI cookbook's estimate of what tool (function) definitions add to the prompt. */
export function toolDefinitionTokens(
  tools: readonly unknown[] | null | undefined,
  encoding: TokenizerEncoding,
): number {
  const tally = new Tally(encoding, Infinity);
  addToolDefinitions(tally, tools);
  return tally.n;
}

function addToolDefinitions(tally: Tally, tools: readonly unknown[] | null | undefined): void {
  if (!tools?.length) return;
  for (const tool of tools as CountableTool[]) {
    const fn = tool?.function;
    if (!fn) continue;
    tally.add(FUNC_INIT);
    tally.text(`${str(fn.name)}:${trimDot(str(fn.description))}`);
    const properties = fn.parameters?.properties ?? {};
    const keys = Object.keys(properties);
    if (keys.length) tally.add(PROP_INIT);
    for (const key of keys) {
      const p = properties[key] ?? {};
      tally.add(PROP_KEY);
      if (Array.isArray(p.enum)) {
        tally.add(ENUM_INIT);
        for (const item of p.enum) {
          tally.add(ENUM_ITEM);
          tally.text(String(item));
        }
      }
      tally.text(`${key}:${str(p.type)}:${trimDot(str(p.description))}`);
    }
  }
  tally.add(FUNC_END);
}

/**
 * Prompt tokens of a chat request the way OpenAI counts them (the cookbook's
 * `num_tokens_from_messages`): the role, content, name and tool-call fields of every message,
 * 3 tokens of framing each, 1 per name, 3 to prime the reply, plus the tool definitions.
 *
 * Counting stops once past `limit` (the model's context window): the result then only says the
 * prompt is longer, and a 4 MB prompt costs what counting one window's worth of text costs.
 */
export function countChatPromptTokens(
  messages: readonly CountableMessage[],
  tools: readonly unknown[] | null | undefined,
  encoding: TokenizerEncoding,
  limit = Infinity,
): number {
  const tally = new Tally(encoding, limit, REPLY_PRIMING);
  for (const m of messages) {
    if (tally.over) break;
    tally.add(PER_MESSAGE);
    tally.text(m.role);
    addContent(tally, m.content);
    if (typeof m.name === 'string') tally.add(PER_NAME);
    tally.text(m.name);
    tally.text(m.tool_call_id);
    addToolCalls(tally, m.tool_calls);
  }
  addToolDefinitions(tally, tools);
  return tally.n;
}
