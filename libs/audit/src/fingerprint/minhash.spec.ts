import {
  estimateSimilarity,
  lshBands,
  minhashSignature,
  shingles,
  MINHASH_PERMUTATIONS,
  LSH_BANDS,
} from './minhash';

const base =
  'The quarterly report shows revenue growth across all regions, with particular strength in the enterprise ' +
  'segment, where new contracts signed during the period more than offset the churn seen among smaller customers.';

describe('minhash', () => {
  it('is deterministic and case/punctuation-insensitive', () => {
    expect(minhashSignature(base)).toEqual(
      minhashSignature(base.toUpperCase().replace(/,/g, ' ;')),
    );
    expect(minhashSignature(base)).toHaveLength(MINHASH_PERMUTATIONS);
  });

  it('keeps a stable format (stored signatures must stay comparable)', () => {
    expect(minhashSignature('hello world again').slice(0, 2)).toEqual(
      minhashSignature('Hello, world — again!').slice(0, 2),
    );
    expect(shingles('a b c d')).toEqual(new Set(['a b c', 'b c d']));
    expect(shingles('one two')).toEqual(new Set(['one two']));
    expect(shingles('  ')).toEqual(new Set());
  });

  it('estimates high similarity for a lightly edited text and low for an unrelated one', () => {
    const edited = base.replace('particular strength', 'notable strength');
    const other =
      'Preheat the oven, butter a tin, whisk eggs and sugar until pale, then fold in flour gently.';
    expect(estimateSimilarity(minhashSignature(base), minhashSignature(edited))).toBeGreaterThan(
      0.6,
    );
    expect(estimateSimilarity(minhashSignature(base), minhashSignature(other))).toBeLessThan(0.15);
  });

  it('gives near-duplicates a shared LSH band and unrelated texts none', () => {
    const a = lshBands(minhashSignature(base));
    const b = lshBands(minhashSignature(base.replace('smaller customers', 'small customers')));
    const c = lshBands(
      minhashSignature('Completely different words about gardening and tomatoes in spring time.'),
    );
    expect(a).toHaveLength(LSH_BANDS);
    expect(a.some((x) => b.includes(x))).toBe(true);
    expect(a.some((x) => c.includes(x))).toBe(false);
    for (const x of a) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
  });

  it('gives empty texts no bands and zero similarity', () => {
    expect(lshBands(minhashSignature(''))).toEqual([]);
    expect(estimateSimilarity(minhashSignature(''), minhashSignature(''))).toBe(0);
  });
});
