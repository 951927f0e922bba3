/**
 * What `POST /security/provenance` answers. Free of imports so the web portal shares these types;
 * `D` is `Date` on the server and `string` on the wire.
 */
export interface ProvenanceMatch<D = Date> {
  seq: string;
  requestId: string;
  organizationId: string;
  organizationName: string | null;
  apiKeyId: string;
  apiKeyName: string | null;
  modelSlug: string | null;
  occurredAt: D;
  /** Estimated Jaccard similarity of word 3-gram sets (MinHash), 1 for an exact copy. */
  similarity: number;
  /** Estimated Jaccard similarity of content-word sets (words-v1, from shared bands): high for a lightly edited copy. */
  wordSimilarity: number;
  exact: boolean;
}

export interface ProvenanceResult<D = Date> {
  candidatesExamined: number;
  matches: ProvenanceMatch<D>[];
}
