import { api, raw, withQuery } from './client';
import type { Page } from './types';
import type { SignedTreeHead } from '../security/merkle';

/** The tamper-evident audit log (apps/portal-api/src/audit). */
export interface AuditRecord {
  seq: number;
  eventId: string;
  kind: 'premium_call' | 'admin_action';
  organizationId: string | null;
  apiKeyId: string | null;
  userId: string | null;
  modelSlug: string | null;
  tier: string | null;
  occurredAt: string;
  recordedAt: string;
  clientIp: string | null;
  params: Record<string, unknown> | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  status: string | null;
  finishReason: string | null;
  flags: string[] | null;
  actorUserId: string | null;
  action: string | null;
  subjectType: string | null;
  subjectId: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  leaf: string;
  leafHash: string;
  /** Server-side check on read: the leaf matches its hash, and which searchable columns disagree with the leaf. */
  integrity?: { leafHashValid: boolean; mismatches: string[] };
}

export interface AuditFilters {
  organizationId?: string;
  apiKeyId?: string;
  modelSlug?: string;
  kind?: string;
  status?: string;
  from?: string;
  to?: string;
  flags?: string;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
  treeHead: SignedTreeHead | null;
}

export interface ConsistencyProof {
  first: number;
  second: number;
  firstRootHash: string;
  secondRootHash: string;
  proof: string[];
  firstTreeHead: SignedTreeHead | null;
  secondTreeHead: SignedTreeHead | null;
}

export { AUDIT_FLAGS } from '@velvet/audit/browser';

export const auditApi = {
  records: (filters: AuditFilters, limit: number, offset: number) =>
    api.get<Page<AuditRecord>>('/audit/records', { ...filters, limit, offset }),
  record: (seq: number) => api.get<AuditRecord>(`/audit/records/${seq}`),
  inclusion: (seq: number, treeSize?: number) =>
    api.get<InclusionProof>(`/audit/records/${seq}/inclusion-proof`, { treeSize }),
  consistency: (first: number, second?: number) =>
    api.get<ConsistencyProof>('/audit/proofs/consistency', { first, second }),
  latestHead: () => api.get<SignedTreeHead>('/audit/tree-heads/latest'),
  heads: (limit = 20) => api.get<SignedTreeHead[]>('/audit/tree-heads', { limit }),
  /** Downloads through the authenticated client, then hands the file to the browser. */
  async export(
    filters: AuditFilters,
    format: 'csv' | 'jsonl',
  ): Promise<{ filename: string; blob: Blob; treeHead: string | null }> {
    const res = await raw('GET', withQuery('/audit/export', { ...filters, format }));
    const disposition = res.headers.get('Content-Disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `audit.${format}`;
    return { filename, blob: await res.blob(), treeHead: res.headers.get('X-Audit-Tree-Head') };
  },
};
