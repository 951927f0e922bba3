import {
  bandKeys,
  fmix32,
  fnv1a32,
  LSH_BANDS,
  MINHASH_PERMUTATIONS,
  minhashOfBases,
  tokenize,
} from './minhash';

/**
 * `words-v1`: a second fingerprint of completions for provenance that survives light editing.
 * minhash-v1 compares word 3-grams, and one changed word breaks three of them: at 20 % of words
 * changed only about a third of the 3-grams survive. This one compares the SET of content words
 * (stop words dropped, a crude suffix stem), which synonym swaps, insertions and deletions move far
 * less. Format (stable: the band keys are stored in audit_log.completion_bands beside minhash-v1's):
 *   words    = tokenize(text) without STOP_WORDS and words under 3 characters, stripped of ing|ed|es|s
 *   h_i      = fmix32(fmix32(fnv1a32(word)) XOR WORD_SEEDS[i]) for i < 64; signature[i] = min (uint32)
 *   bands    = 16 bands of 4 rows; band b = 52-bit hash of (b, rows) under its own salts, so no
 *              words-v1 key equals a minhash-v1 key by design.
 * Measured recall per edit level: docs/detection.md ("Provenance").
 */

const STOP_WORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from as is are was were be been being it its this that these those ' +
    'there here we you i he she they them his her our your their not no do does did can will would should could may might has have ' +
    'had also just very more most such than into out up down over about after before which who whom what when where why how all any ' +
    'each both few other some own same only'
  ).split(' '),
);

const WORD_SEEDS: number[] = Array.from({ length: MINHASH_PERMUTATIONS }, (_, i) =>
  fmix32((0x2545f491 + Math.imul(i + 1, 0x9e3779b9)) >>> 0),
);

export function contentWords(text: string): Set<string> {
  return contentWordsOf(tokenize(text));
}

/** contentWords of an already tokenized text. */
export function contentWordsOf(tokens: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) if (isContentWord(t)) out.add(stem(t));
  return out;
}

const isContentWord = (token: string): boolean => token.length >= 3 && !STOP_WORDS.has(token);

/**
 * The crude suffix stem: what `word.replace(/(?:ing|ed|es|s)$/, '')` gives (the leftmost match
 * ending the word is the longest suffix present), without a regex run per word.
 */
export function stem(word: string): string {
  if (word.endsWith('ing')) return word.slice(0, -3);
  if (word.endsWith('ed') || word.endsWith('es')) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

export function wordSignature(text: string): number[] {
  return wordSignatureOfTokens(tokenize(text));
}

const WORD_SEEDS_U32 = Uint32Array.from(WORD_SEEDS);

export function wordSignatureOfTokens(tokens: readonly string[]): number[] {
  // No set of words: a repeated word has the same base, and minhashOfBases skips repeated bases.
  const bases: number[] = [];
  for (const t of tokens) if (isContentWord(t)) bases.push(fmix32(fnv1a32(stem(t))));
  return minhashOfBases(bases, WORD_SEEDS_U32);
}

/** Band keys of a words-v1 signature (salts of their own); none for a text without content words. */
export function wordBands(signature: readonly number[]): number[] {
  return bandKeys(signature, 0x3c6ef372, 0x7f4a7c15);
}

/** Share of words-v1 bands two band lists have in common (0..1): near 0 for unrelated texts. */
export function sharedWordBands(a: readonly number[], b: ReadonlySet<number>): number {
  if (!a.length) return 0;
  let same = 0;
  for (const x of a) if (b.has(x)) same++;
  return same / a.length;
}

export const WORD_BANDS = LSH_BANDS;
