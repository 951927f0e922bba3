import { embeddingBase64, nativeDimensions, simulatedEmbedding } from './embedding';
import { simulatedModeration } from './moderation';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('simulated embeddings and moderation', () => {
  it('gives deterministic unit vectors of the asked dimension; shared words are closer', () => {
    expect(nativeDimensions('text-embedding-3-large')).toBe(3072);
    expect(nativeDimensions('sim-embed')).toBe(1536);
    const a = simulatedEmbedding('the velvet rope', 256);
    expect(a).toHaveLength(256);
    expect(simulatedEmbedding('the velvet rope', 256)).toEqual(a);
    expect(cosine(a, a)).toBeCloseTo(1, 5);
    expect(cosine(a, simulatedEmbedding('a velvet rope opens', 256))).toBeGreaterThan(
      cosine(a, simulatedEmbedding('quarterly tax filing', 256)),
    );
    const decoded = new Float32Array(
      Uint8Array.from(Buffer.from(embeddingBase64(a), 'base64')).buffer,
    );
    expect(Array.from(decoded)).toEqual(Array.from(a));
  });

  it('flags by its documented keywords, with every category present', () => {
    const r = simulatedModeration('I will kill it') as {
      flagged: boolean;
      categories: Record<string, boolean>;
    };
    expect(r.flagged).toBe(true);
    expect(r.categories.violence).toBe(true);
    expect(Object.keys(r.categories)).toHaveLength(13);
    expect((simulatedModeration('a lovely day') as { flagged: boolean }).flagged).toBe(false);
  });
});
