import { type AuditRecord, auditLeafHash } from '@velvet/audit';
import type { AuditRecordView } from './audit.views';

/** Columns compared with the leaf on every read (the database's CHECK enforces it on write). */
const CHECKED: Array<[keyof AuditRecord, string]> = [
  ['eventId', 'eventId'],
  ['kind', 'kind'],
  ['organizationId', 'organizationId'],
  ['apiKeyId', 'apiKeyId'],
  ['userId', 'userId'],
  ['modelId', 'modelId'],
  ['modelSlug', 'modelSlug'],
  ['tier', 'tier'],
  ['clientIp', 'clientIp'],
  ['inputTokens', 'inputTokens'],
  ['outputTokens', 'outputTokens'],
  ['latencyMs', 'latencyMs'],
  ['status', 'status'],
  ['finishReason', 'finishReason'],
  ['promptSha256', 'promptSha256'],
  ['completionSha256', 'completionSha256'],
  ['actorUserId', 'actorUserId'],
  ['action', 'action'],
  ['subjectType', 'subjectType'],
  ['subjectId', 'subjectId'],
  ['reason', 'reason'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What the portal shows of a record: the facts come from the leaf itself (the Merkle tree commits
 * to it), never from the searchable columns; `integrity` says whether the leaf matches its hash
 * and which columns (what search and detection use) disagree with it — non-empty only if someone
 * got past the database's CHECK. Fingerprints are not shown.
 */
export const auditRecordView = (r: AuditRecord): AuditRecordView => {
  const leaf = JSON.parse(r.leaf) as Record<string, unknown>;
  // the leaf's shape is the producer's (prepareEntry); the schema in audit.views.ts documents it
  const f = <T = never>(key: string) => (leaf[key] === undefined ? null : leaf[key]) as T;
  const mismatches = CHECKED.filter(([column, key]) => !same(r[column], f<unknown>(key))).map(
    ([column]) => column,
  );
  if (!same(r.flags, f<string[] | null>('flags') ?? [])) mismatches.push('flags');
  if (r.occurredAt.toISOString() !== f('occurredAt')) mismatches.push('occurredAt');
  return {
    seq: r.seq,
    eventId: f('eventId'),
    kind: f('kind'),
    organizationId: f('organizationId'),
    apiKeyId: f('apiKeyId'),
    userId: f('userId'),
    modelId: f('modelId'),
    modelSlug: f('modelSlug'),
    tier: f('tier'),
    occurredAt: f('occurredAt'),
    recordedAt: r.recordedAt,
    clientIp: f('clientIp'),
    userAgent: f('userAgent'),
    params: f('params'),
    inputTokens: f('inputTokens'),
    outputTokens: f('outputTokens'),
    latencyMs: f('latencyMs'),
    // what the call was charged (leaves written since receipts; null before): verifiable billing
    costMicros: f('costMicros'),
    currency: f('currency'),
    status: f('status'),
    finishReason: f('finishReason'),
    flags: f<string[] | null>('flags') ?? [],
    promptSha256: f('promptSha256'),
    completionSha256: f('completionSha256'),
    actorUserId: f('actorUserId'),
    action: f('action'),
    subjectType: f('subjectType'),
    subjectId: f('subjectId'),
    reason: f('reason'),
    details: f('details'),
    leaf: r.leaf,
    leafHash: r.leafHash,
    integrity: { leafHashValid: auditLeafHash(r.leaf).toString('hex') === r.leafHash, mismatches },
  };
};
