import { lshBands, minhashSignature, wordBands, wordSignature } from '@velvet/audit';
import { CORPUS_MISSING, loadCorpus } from '../../../../scripts/traffic/corpus';
import { editWords } from '../../../../scripts/traffic/edit-text';
import { provenanceQuery, rankCandidates } from './provenance-ranking';

/**
 * Provenance recall per edit level, on real answer texts (the corpus's reference answers of 40+
 * words as stand-ins for premium completions): each text is stored as the audit writer stores it,
 * an edited copy is searched the way ProvenanceService does (candidates sharing any band, then
 * rankCandidates with the API defaults), and a hit is the source ranked first. Prints the table
 * docs/detection.md records. Skips without the corpus.
 */
const records = loadCorpus();
if (!records) console.warn(`provenance-recall.spec: skipped. ${CORPUS_MISSING}`);
const withCorpus = records ? describe : describe.skip;

withCorpus('provenance of lightly edited completions (real text)', () => {
  it('finds the source of a copy with 20% of words changed at least 9 times in 10, with 30% at least 7 in 10', () => {
    const texts = [
      ...new Set(records!.map((r) => r.reference ?? '').filter((t) => t.split(/\s+/).length >= 40)),
    ];
    const stored = texts.map((t, i) => {
      const minhash = minhashSignature(t);
      return {
        i,
        minhash,
        bands: [...lshBands(minhash), ...wordBands(wordSignature(t))],
        exact: false,
        occurredAt: new Date(0),
      };
    });
    const index = new Map<number, number[]>();
    for (const s of stored) for (const b of s.bands) index.set(b, [...(index.get(b) ?? []), s.i]);
    const rows = [
      '| words changed | queries | source ranked first | recall | mean candidates |',
      '|---|---|---|---|---|',
    ];
    const recallAt = new Map<number, number>();
    for (const share of [0, 0.1, 0.2, 0.3, 0.4]) {
      let hits = 0;
      let candidates = 0;
      const queries = 300;
      for (let q = 0; q < queries; q++) {
        const source = (q * 37) % texts.length;
        const query = provenanceQuery(editWords(texts[source], share, q + 1));
        const found = [...new Set(query.bands.flatMap((b) => index.get(b) ?? []))].map(
          (i) => stored[i],
        );
        candidates += found.length;
        const ranked = rankCandidates(query, found, { limit: 10, minSimilarity: 0.3 });
        if (ranked[0]?.candidate.i === source) hits++;
      }
      recallAt.set(share, hits / queries);
      rows.push(
        `| ${share * 100}% | ${queries} | ${hits} | ${(hits / queries).toFixed(3)} | ${(candidates / queries).toFixed(1)} of ${texts.length} |`,
      );
    }
    console.log(
      `Provenance recall (synonym swaps, insertions, deletions in equal parts):\n${rows.join('\n')}`,
    );
    expect(recallAt.get(0)).toBe(1);
    expect(recallAt.get(0.2)).toBeGreaterThanOrEqual(0.9);
    expect(recallAt.get(0.3)).toBeGreaterThanOrEqual(0.7);
  });
});
