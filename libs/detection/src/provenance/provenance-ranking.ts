import {
  estimateSimilarity,
  lshBands,
  minhashSignature,
  sharedWordBands,
  wordBands,
  wordSignature,
} from '@velvet/audit';

/**
 * A candidate found through its content words (words-v1) alone needs this share of the requested
 * minimum 3-gram similarity: an edited copy keeps some of its 3-grams, an unrelated text that
 * happens to share a word band keeps none (docs/detection.md, "Provenance").
 */
const EDITED_COPY_FACTOR = 1 / 3;

export interface ProvenanceQuery {
  signature: number[];
  wordBands: number[];
  /** Every band key to look up: minhash-v1's, then words-v1's. */
  bands: number[];
}

export function provenanceQuery(text: string): ProvenanceQuery {
  const signature = minhashSignature(text);
  const words = wordBands(wordSignature(text));
  return { signature, wordBands: words, bands: [...lshBands(signature), ...words] };
}

export interface ProvenanceCandidate {
  minhash: readonly number[];
  bands: readonly number[];
  exact: boolean;
  occurredAt: Date;
}

/**
 * Keeps the candidates that are copies (3-gram similarity at the minimum) or edited copies (a
 * shared content-word band and a third of that similarity), best first: 3-gram similarity plus a
 * quarter of the shared content-word band share, newest first on ties.
 */
export function rankCandidates<C extends ProvenanceCandidate>(
  q: ProvenanceQuery,
  candidates: readonly C[],
  options: { limit: number; minSimilarity: number },
): { candidate: C; similarity: number; wordSimilarity: number }[] {
  return (
    candidates
      .map((candidate) => {
        const similarity = candidate.exact ? 1 : estimateSimilarity(q.signature, candidate.minhash);
        const wordShare = sharedWordBands(q.wordBands, new Set(candidate.bands));
        return { candidate, similarity, wordShare };
      })
      .filter(
        ({ similarity, wordShare }) =>
          similarity >= options.minSimilarity ||
          (wordShare > 0 && similarity >= options.minSimilarity * EDITED_COPY_FACTOR),
      )
      .sort(
        (a, b) =>
          b.similarity + b.wordShare / 4 - (a.similarity + a.wordShare / 4) ||
          b.candidate.occurredAt.getTime() - a.candidate.occurredAt.getTime(),
      )
      .slice(0, options.limit)
      // P(a band matches) = s^4 for content-word Jaccard s: invert the observed share.
      .map(({ candidate, similarity, wordShare }) => ({
        candidate,
        similarity,
        wordSimilarity: Math.round(wordShare ** 0.25 * 1000) / 1000,
      }))
  );
}
