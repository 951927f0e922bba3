import type { Tiktoken as Encoder, TiktokenBPE } from 'js-tiktoken/lite' with {
  'resolution-mode': 'import',
};

// js-tiktoken's types are ESM-only; its CommonJS builds are what Node loads here.
/* eslint-disable @typescript-eslint/no-require-imports */
const { Tiktoken } = require('js-tiktoken/lite') as {
  Tiktoken: new (ranks: TiktokenBPE) => Encoder;
};
const rank = (name: string): TiktokenBPE => {
  const mod = require(`js-tiktoken/ranks/${name}`) as TiktokenBPE & { default?: TiktokenBPE };
  return mod.default ?? mod;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The tokenizers a catalog model can name (its `tokenizer` column); o200k_base is the default. */
export const TOKENIZER_ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type TokenizerEncoding = (typeof TOKENIZER_ENCODINGS)[number];
export const DEFAULT_TOKENIZER: TokenizerEncoding = 'o200k_base';

const encoders = new Map<TokenizerEncoding, Encoder>();

export const isTokenizerEncoding = (name: unknown): name is TokenizerEncoding =>
  typeof name === 'string' && (TOKENIZER_ENCODINGS as readonly string[]).includes(name);

/**
 * One encoder per encoding for the process: building one parses its rank table (about a second
 * for o200k_base), so the gateway warms the catalog's encodings at start-up, off the hot path.
 */
export function encoderFor(name: TokenizerEncoding): Encoder {
  let encoder = encoders.get(name);
  if (!encoder) {
    // Only the encodings in use are loaded (each rank table is a few MB).
    encoder = new Tiktoken(rank(isTokenizerEncoding(name) ? name : DEFAULT_TOKENIZER));
    encoders.set(name, encoder);
  }
  return encoder;
}

/** Tokens of a text; special-token strings in user text are counted as plain text, as OpenAI does. */
export const countTextTokens = (text: string, encoding: TokenizerEncoding): number =>
  text ? encoderFor(encoding).encode(text, [], []).length : 0;
