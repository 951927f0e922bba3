import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fromInt32 } from '@velvet/audit';
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
    const rows: {
      seq: string;
      event_id: string;
      organization_id: string;
      organization_name: string | null;
      api_key_id: string;
      api_key_name: string | null;
      model_slug: string | null;
      occurred_at: Date;
      completion_minhash: number[];
      completion_bands: string[] | null;
      exact: boolean;
    }[] = await this.db.query(
      `SELECT a.seq, a.event_id, a.organization_id, o.name AS organization_name, a.api_key_id, k.name AS api_key_name,
              a.model_slug, a.occurred_at, a.completion_minhash, a.completion_bands, a.completion_sha256 = decode($2, 'hex') AS exact
         FROM audit_log a
         LEFT JOIN organizations o ON o.id = a.organization_id
         LEFT JOIN api_keys k ON k.id = a.api_key_id
        WHERE a.kind = 'premium_call' AND a.completion_bands && $1::bigint[]
        LIMIT ${MAX_CANDIDATES}`,
      [q.bands.map(String), sha256Hex(text)],
    );
    const candidates = rows.map((r) => ({
      r,
      minhash: fromInt32(r.completion_minhash ?? []),
      bands: (r.completion_bands ?? []).map(Number),
      exact: r.exact === true,
      occurredAt: new Date(r.occurred_at),
    }));
    const matches = rankCandidates(q, candidates, options).map(
      ({ candidate: { r, exact, occurredAt }, similarity, wordSimilarity }) => ({
        seq: String(r.seq),
        requestId: r.event_id,
        organizationId: r.organization_id,
        organizationName: r.organization_name,
        apiKeyId: r.api_key_id,
        apiKeyName: r.api_key_name,
        modelSlug: r.model_slug,
        occurredAt,
        exact,
        similarity,
        wordSimilarity,
      }),
    );
    return { candidatesExamined: rows.length, matches };
  }
}
