import { Injectable } from '@nestjs/common';
import type { AppAbility } from '@velvet/access';
import { DomainErrorKind } from '@velvet/common';
import type { AuditRecord } from '../entities/audit-record.entity';
import { AuditErrorCode, AuditException } from '../producer/audit.exception';
import { AuditProofService, type ConsistencyProof } from '../proofs/audit-proof.service';
import type { SignedTreeHead } from '../tree-head/tree-head';
import { TreeHeadStore } from '../tree-head/tree-head.store';
import { type AuditSearch, AuditSearchService } from './audit-search.service';
import { toCsv } from './csv';

export const EXPORT_FORMAT = 'velvet-audit-export/v1';
export const MAX_EXPORT_RECORDS = 100_000;

export interface AuditExport {
  treeHead: SignedTreeHead | null;
  /**
   * An unfiltered export covers leaves 0..treeSize-1 by construction (not by what the server found),
   * so a verifier reports any seq missing from it and rebuilds the root from the leaves.
   */
  complete: boolean;
  lines: object[];
  records: Array<{ record: AuditRecord; proof: string[] }>;
  consistency: ConsistencyProof | null;
}

/**
 * Exports bound to the latest signed tree head: every record carries its inclusion proof
 * against that head; optionally a consistency proof from an older head the reader already trusts.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly search: AuditSearchService,
    private readonly proofs: AuditProofService,
    private readonly heads: TreeHeadStore,
  ) {}

  async build(
    ability: AppAbility,
    filters: AuditSearch,
    options: { limit?: number; sinceTreeSize?: number } = {},
  ): Promise<AuditExport> {
    const head = await this.heads.latest();
    const treeSize = head?.treeSize ?? 0;
    if (options.sinceTreeSize !== undefined && options.sinceTreeSize > treeSize) {
      throw new AuditException(
        DomainErrorKind.Invalid,
        AuditErrorCode.UnknownTreeSize,
        `sinceTreeSize must not exceed the latest tree head (${treeSize})`,
      );
    }
    const limit = Math.min(options.limit ?? MAX_EXPORT_RECORDS, MAX_EXPORT_RECORDS);
    const records = treeSize ? await this.search.forExport(ability, filters, treeSize, limit) : [];
    const proofs: string[][] = [];
    for (let i = 0; i < records.length; i += 2000) {
      const chunk = await this.proofs.inclusionMany(
        records.slice(i, i + 2000).map((r) => r.seq),
        treeSize,
      );
      proofs.push(...chunk.map((p) => p.proof));
    }
    const complete =
      treeSize > 0 && treeSize <= limit && this.search.isUnfiltered(ability, filters);
    const consistency =
      options.sinceTreeSize !== undefined
        ? await this.proofs.consistency(options.sinceTreeSize, treeSize)
        : null;
    const sinceHead = options.sinceTreeSize ? await this.heads.ofSize(options.sinceTreeSize) : null;
    const checkpoint = head ? await this.heads.cosignedCheckpoint(head) : null;
    const range = complete ? { start: 0, end: treeSize } : undefined;
    const lines: object[] = [
      {
        type: 'tree_head',
        format: EXPORT_FORMAT,
        complete,
        range,
        ...(head ?? { treeSize: 0 }),
        ...(checkpoint ? { checkpoint } : {}),
      },
    ];
    if (consistency) lines.push({ type: 'consistency', ...consistency, firstTreeHead: sinceHead });
    records.forEach((r, i) =>
      lines.push({
        type: 'record',
        seq: r.seq,
        leafHash: r.leafHash,
        leaf: r.leaf,
        inclusionProof: proofs[i],
      }),
    );
    lines.push({ type: 'end', records: records.length });
    return {
      treeHead: head,
      complete,
      lines,
      records: records.map((record, i) => ({ record, proof: proofs[i] })),
      consistency,
    };
  }

  jsonLines(exported: AuditExport): string {
    return exported.lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  }

  csv(exported: AuditExport): string {
    const head = exported.treeHead;
    return toCsv(
      [
        'seq',
        'event_id',
        'kind',
        'organization_id',
        'api_key_id',
        'user_id',
        'model_slug',
        'tier',
        'occurred_at',
        'status',
        'flags',
        'input_tokens',
        'output_tokens',
        'latency_ms',
        'prompt_sha256',
        'completion_sha256',
        'action',
        'subject_type',
        'subject_id',
        'leaf_hash',
        'tree_size',
        'root_hash',
        'tree_head_signature',
        'inclusion_proof',
        'leaf',
      ],
      exported.records.map(({ record: r, proof }) => [
        r.seq,
        r.eventId,
        r.kind,
        r.organizationId,
        r.apiKeyId,
        r.userId,
        r.modelSlug,
        r.tier,
        r.occurredAt.toISOString(),
        r.status,
        r.flags.join(';'),
        r.inputTokens,
        r.outputTokens,
        r.latencyMs,
        r.promptSha256,
        r.completionSha256,
        r.action,
        r.subjectType,
        r.subjectId,
        r.leafHash,
        head?.treeSize,
        head?.rootHash,
        head?.signature,
        proof.join(';'),
        r.leaf,
      ]),
    );
  }
}
