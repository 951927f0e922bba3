import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { apiKeyNames } from '@velvet/api-keys';
import { completionsSharingBands, fromInt32 } from '@velvet/audit';
import { organizationNames } from '@velvet/organizations';
import { provenanceQuery, rankCandidates } from './provenance-ranking';
import { DomainErrorKind, DomainException, sha256Hex } from '@velvet/common';
import type { DataSource } from 'typeorm';
import type { ProvenanceResult } from './provenance.view';

export type { ProvenanceMatch, ProvenanceResult } from './provenance.view';

/** Bound on LSH candidates read per search; band collisions are rare for unrelated texts. */
const MAX_CANDIDATES = 5000;

/**
 * Traces a suspect text (say, a rival model's output) to the premium completions it most
 * resembles. Candidates come from the audit log's GIN index on completion LSH bands (texts sharing
 * a minhash-v1 band, or a words-v1 band: a lightly edited copy), never a scan; each is then ranked
 * by its 3-gram MinHash similarity and its share of content-word bands.
 */
@Injectable()
export class ProvenanceService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async search(
    text: string,
    options: { limit: number; minSimilarity: number },
  ): Promise<ProvenanceResult> {
    const q = provenanceQuery(text);
    if (!q.bands.length) {
      throw new DomainException(
        DomainErrorKind.Invalid,
        'provenance_text_without_words',
        'The text has no words to fingerprint',
      );
    }
    const em = this.db.manager;
    const rows = await completionsSharingBands(em, {
      bands: q.bands,
      sha256Hex: sha256Hex(text),
      limit: MAX_CANDIDATES,
    });
    const candidates = rows.map((r) => ({
      r,
      minhash: fromInt32(r.completionMinhash ?? []),
      bands: (r.completionBands ?? []).map(Number),
      exact: r.exact === true,
      occurredAt: new Date(r.occurredAt),
    }));
    const ranked = rankCandidates(q, candidates, options);
    const [organizations, keys] = await Promise.all([
      organizationNames(
        em,
        ranked.map(({ candidate }) => candidate.r.organizationId),
      ),
      apiKeyNames(
        em,
        ranked.map(({ candidate }) => candidate.r.apiKeyId),
      ),
    ]);
    const matches = ranked.map(
      ({ candidate: { r, exact, occurredAt }, similarity, wordSimilarity }) => ({
        seq: String(r.seq),
        requestId: r.eventId,
        organizationId: r.organizationId,
        organizationName: organizations.get(r.organizationId) ?? null,
        apiKeyId: r.apiKeyId,
        apiKeyName: keys.get(r.apiKeyId) ?? null,
        modelSlug: r.modelSlug,
        occurredAt,
        exact,
        similarity,
        wordSimilarity,
      }),
    );
    return { candidatesExamined: rows.length, matches };
  }
}
