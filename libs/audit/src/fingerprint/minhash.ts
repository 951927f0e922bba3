/**
 * MinHash fingerprints of texts, for near-duplicate search (provenance: which account received
 * a leaked text) and prompt-diversity signals. Format `minhash-v1`, documented in docs/audit.md:
 *   tokens   = NFKC, lower-cased runs of letters/digits
 *   shingles = word 3-grams joined by one space (a text of 1-2 tokens is one shingle; none: no shingles)
 *   base     = fmix32(fnv1a32(utf16 code units of the shingle))
 *   h_i      = fmix32(base XOR SEEDS[i]) for i < 64; signature[i] = min over shingles (uint32)
 *   bands    = 16 bands of 4 rows; band b = 52-bit hash of (b, rows) — stored as bigint, indexed.
 * Small and dependency-free on purpose: the npm MinHash packages are unmaintained or untyped,
 * and the format must stay stable because the signatures are stored.
 */
export const MINHASH_PERMUTATIONS = 64;
export const LSH_BANDS = 16;
export const LSH_ROWS = MINHASH_PERMUTATIONS / LSH_BANDS;
const SHINGLE = 3;
const EMPTY = 0xffffffff;

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fixed seeds (splitmix32 from a constant), so signatures are comparable forever. */
const SEEDS: number[] = (() => {
  let state = 0x9e3779b9;
  const seeds: number[] = [];
  for (let i = 0; i < MINHASH_PERMUTATIONS; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    seeds.push(fmix32(state));
  }
  return seeds;
})();

const NON_ASCII = /[\u0080-\uffff]/;

export function tokenize(text: string): string[] {
  // ASCII is its own NFKC form, and its letters and digits are exactly [a-z0-9] once lower-cased:
  // a plain scan gives the same tokens as the Unicode regex at a fraction of its cost.
  if (!NON_ASCII.test(text)) return asciiTokens(text.toLowerCase());
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Runs of [a-z0-9] of a lower-cased ASCII text. */
function asciiTokens(lower: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(lower.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(lower.slice(start));
  return out;
}

export function shingles(text: string): Set<string> {
  const tokens = tokenize(text);
  const out = new Set<string>();
  if (tokens.length === 0) return out;
  if (tokens.length < SHINGLE) {
    out.add(tokens.join(' '));
    return out;
  }
  for (let i = 0; i + SHINGLE <= tokens.length; i++)
    out.add(tokens.slice(i, i + SHINGLE).join(' '));
  return out;
}

/** FNV-1a continued over the UTF-16 code units of `text` (so hashing tokens one after another equals hashing their join). */
function fnvOn(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/**
 * The base hashes of a token list's shingles: fmix32(fnv1a32(shingle)) as `shingles` joins them,
 * computed without building the shingle strings (this runs for every premium call).
 */
export function shingleBases(tokens: readonly string[]): number[] {
  if (tokens.length === 0) return [];
  const SPACE = 0x20;
  const step = (h: number) => Math.imul(h ^ SPACE, 0x01000193);
  const n = tokens.length < SHINGLE ? 1 : tokens.length - SHINGLE + 1;
  const width = Math.min(SHINGLE, tokens.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let h = fnvOn(0x811c9dc5, tokens[i]);
    for (let k = 1; k < width; k++) h = fnvOn(step(h), tokens[i + k]);
    out[i] = fmix32(h >>> 0);
  }
  return out;
}

/** 64 uint32 minima; all 0xffffffff for a text without words. */
export function minhashSignature(text: string): number[] {
  return minhashOfTokens(tokenize(text));
}

/** minhash-v1 of an already tokenized text (tokenize), so a text's tokens serve several fingerprints. */
export const minhashOfTokens = (tokens: readonly string[]): number[] =>
  minhashOfBases(shingleBases(tokens), SEEDS_U32);

const SEEDS_U32 = Uint32Array.from(SEEDS);

/** The MinHash minima of a feature set under the given seeds (one per permutation). */
export function minhashOf(features: Iterable<string>, seeds: readonly number[]): number[] {
  const bases: number[] = [];
  for (const feature of features) bases.push(fmix32(fnv1a32(feature)));
  return minhashOfBases(bases, Uint32Array.from(seeds));
}

/**
 * The minima over features given by their base hashes. A repeated feature cannot change a minimum,
 * so duplicates are skipped by base (the same string always has the same base).
 */
export function minhashOfBases(bases: readonly number[], seeds: Uint32Array): number[] {
  // Minima kept as int32 with the sign bit flipped (x ^ 0x80000000 maps uint32 order onto int32
  // order), so the loop stays in 32-bit integers; flipped back on the way out.
  const n = seeds.length;
  const signature = new Int32Array(n).fill((EMPTY ^ SIGN) | 0);
  const seen = new Set<number>();
  for (let f = 0; f < bases.length; f++) {
    const base = bases[f];
    if (seen.has(base)) continue;
    seen.add(base);
    for (let i = 0; i < n; i++) {
      // fmix32(base ^ seeds[i]), inlined
      let h = base ^ seeds[i];
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      h ^= SIGN;
      if (h < signature[i]) signature[i] = h;
    }
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = (signature[i] ^ SIGN) >>> 0;
  return out;
}

const SIGN = 0x80000000 | 0;

export const isEmptySignature = (signature: readonly number[]): boolean =>
  signature.every((v) => v === EMPTY);

/** Estimated Jaccard similarity of the two texts' shingle sets. */
export function estimateSimilarity(a: readonly number[], b: readonly number[]): number {
  if (isEmptySignature(a) || isEmptySignature(b)) return 0;
  let same = 0;
  for (let i = 0; i < MINHASH_PERMUTATIONS; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_PERMUTATIONS;
}

/**
 * LSH band keys: two texts share at least one key with probability 1-(1-s^4)^16 (s = Jaccard),
 * about 0.5 at s=0.5 and 0.99 at s=0.8. Safe integers (< 2^52), stored as bigint[] with a GIN index.
 */
export function lshBands(signature: readonly number[]): number[] {
  return bandKeys(signature, 0x5bd1e995, 0x27d4eb2f);
}

/** 16 band keys of 4 rows each, under two salts (another pair of salts gives keys of another family). */
export function bandKeys(signature: readonly number[], saltHi: number, saltLo: number): number[] {
  if (isEmptySignature(signature)) return [];
  const bands: number[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let hi = fmix32(saltHi ^ b);
    let lo = fmix32(saltLo ^ b);
    for (let r = 0; r < LSH_ROWS; r++) {
      const v = signature[b * LSH_ROWS + r];
      hi = fmix32(Math.imul(hi ^ v, 0x01000193) >>> 0);
      lo = fmix32((Math.imul(lo, 31) + v) >>> 0);
    }
    bands.push((hi & 0xfffff) * 0x100000000 + lo);
  }
  return bands;
}

/** uint32 -> int32, as PostgreSQL's int4[] stores them. */
export const toInt32 = (signature: readonly number[]): number[] => signature.map((v) => v | 0);
export const fromInt32 = (signature: readonly number[]): number[] => signature.map((v) => v >>> 0);
