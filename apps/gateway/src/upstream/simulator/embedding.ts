import { fnv1a, Rng } from './random';

/** The native dimension of an embedding model: 3072 for `*large*` slugs (as text-embedding-3-large), else 1536. */
export const nativeDimensions = (slug: string): number => (/large/i.test(slug) ? 3072 : 1536);

/**
 * A deterministic unit vector for a text: the sum of one pseudo-random vector per lower-cased word,
 * normalised. The same text always gives the same vector, and texts sharing words are closer
 * (cosine) than unrelated ones, so similarity search over simulated embeddings behaves plausibly.
 */
export function simulatedEmbedding(text: string, dimensions: number): Float32Array {
  const v = new Float64Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [''];
  for (const word of words) {
    const rng = new Rng(fnv1a(word, dimensions));
    for (let i = 0; i < dimensions; i++) v[i] += rng.next() * 2 - 1;
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = v[i] / norm;
  return out;
}

/** OpenAI's base64 encoding: the little-endian float32 bytes. */
export const embeddingBase64 = (v: Float32Array): string =>
  Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
