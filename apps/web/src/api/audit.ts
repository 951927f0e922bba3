import { api, raw, withQuery } from './client';
import type { View } from './wire';
import type { SignedTreeHead } from '../security/merkle';

/** The tamper-evident audit log (apps/portal-api/src/audit). */
export type AuditRecord = View<'AuditRecordView'>;

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

export type InclusionProof = View<'InclusionProofView'>;

export type ConsistencyProof = View<'ConsistencyProofView'>;

export { AUDIT_FLAGS } from '@velvet/audit/browser';

export const auditApi = {
  records: (filters: AuditFilters, limit: number, offset: number) =>
    api.get<View<'AuditRecordPage'>>('/audit/records', { ...filters, limit, offset }),
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
