import { readFileSync } from 'node:fs';
import type { Tiktoken } from 'tiktoken/lite';
import { countableParts, LONG_RUN, RUN_PART } from './countable-parts';

/**
 * Token counting with `tiktoken` (OpenAI's Rust tokenizer compiled to WebAssembly): the rank
 * tables live in WebAssembly linear memory, which the garbage collector does not trace (about 28 MB
 * for o200k_base, 15 MB for cl100k_base), where js-tiktoken's lived on the V8 heap as small
 * objects (65 MB and 32 MB of heap) that every scavenge and mark-compact paid for.
 *
 * The lite build carries no ranks (a 1 MB WebAssembly module instead of 5.5 MB with all six
 * encodings built in); each encoding's ranks are read from the package's JSON when first used.
 */
type TiktokenLite = { Tiktoken: typeof Tiktoken };
let lite: TiktokenLite | undefined;
/** The WebAssembly module is compiled on first use, so processes that never count tokens skip it. */
const tiktoken = (): TiktokenLite =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (lite ??= require('tiktoken/lite') as TiktokenLite);

/** The tokenizers a catalog model can name (its `tokenizer` column); o200k_base is the default. */
export const TOKENIZER_ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type TokenizerEncoding = (typeof TOKENIZER_ENCODINGS)[number];
export const DEFAULT_TOKENIZER: TokenizerEncoding = 'o200k_base';

export const isTokenizerEncoding = (name: unknown): name is TokenizerEncoding =>
  typeof name === 'string' && (TOKENIZER_ENCODINGS as readonly string[]).includes(name);

/** An encoding's tokenizer. Special-token strings (`<|endoftext|>`, ...) in a text are plain text. */
export interface Encoder {
  /** The token ids of a text, split as `count` splits it. */
  encode(text: string): number[];
  /** The text of token ids; bytes that are not whole UTF-8 characters decode as U+FFFD. */
  decode(tokens: readonly number[]): string;
  /**
   * How many tokens a text is: what `encode(text).length` is, in time linear in its length. Runs
   * of hundreds of one class of character (see countable-parts.ts) are counted in parts, within a
   * token or so a part. Past `limit` it stops and returns a count above `limit`, not the text's.
   */
  count(text: string, limit?: number): number;
}

const utf8 = new TextDecoder();

function load(name: TokenizerEncoding): Encoder {
  // Read rather than require()d, so the ranks' text (2.3 MB for o200k_base) is not kept in the
  // module cache once the tokenizer has copied it into WebAssembly memory.
  const file = require.resolve(`tiktoken/encoders/${name}.json`);
  const ranks = JSON.parse(readFileSync(file, 'utf8')) as {
    bpe_ranks: string;
    special_tokens: Record<string, number>;
    pat_str: string;
  };
  const bpe = new (tiktoken().Tiktoken)(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str);
  // encode_ordinary never treats special-token strings as special (nor throws on them), as
  // js-tiktoken's encode(text, [], []) did. Lives for the process: never free()d.
  return {
    encode: (text) => {
      if (text.length < LONG_RUN) return Array.from(bpe.encode_ordinary(text));
      const tokens: number[] = [];
      for (const part of countableParts(text))
        for (const t of bpe.encode_ordinary(part)) tokens.push(t);
      return tokens;
    },
    decode: (tokens) => utf8.decode(bpe.decode(Uint32Array.from(tokens))),
    count: (text, limit = Infinity) => {
      if (text.length < LONG_RUN) return bpe.encode_ordinary(text).length;
      // A long run's parts repeat (a character or a short pattern over and over): counted once.
      const runParts = new Map<string, number>();
      let n = 0;
      for (const part of countableParts(text)) {
        let tokens = part.length <= RUN_PART ? runParts.get(part) : undefined;
        if (tokens === undefined) {
          tokens = bpe.encode_ordinary(part).length;
          if (part.length <= RUN_PART) runParts.set(part, tokens);
        }
        n += tokens;
        if (n > limit) break;
      }
      return n;
    },
  };
}

const encoders = new Map<TokenizerEncoding, Encoder>();

/**
 * One encoder per encoding for the process, built on first use (a few hundred ms for o200k_base),
 * so the gateway warms the catalog's encodings at start-up, off the hot path. Only the encodings
 * in use are loaded.
 */
export function encoderFor(name: TokenizerEncoding): Encoder {
  // An unknown name (a row written outside the API) counts with the default, sharing its encoder.
  const encoding = isTokenizerEncoding(name) ? name : DEFAULT_TOKENIZER;
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = load(encoding);
    encoders.set(encoding, encoder);
  }
  return encoder;
}

/**
 * Tokens of a text; special-token strings in user text are counted as plain text, as OpenAI does.
 * With a `limit`, counting stops once past it (the result is then only known to exceed it).
 */
export const countTextTokens = (
  text: string,
  encoding: TokenizerEncoding,
  limit?: number,
): number => (text ? encoderFor(encoding).count(text, limit) : 0);
