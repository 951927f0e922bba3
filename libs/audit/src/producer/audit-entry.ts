import type { AdminAction } from '@velvet/common';
import type { PremiumCallEvent } from '../premium-call.event';

/** The one job of the audit queue: an entry for the log, already hashed and fingerprinted. */
export const AUDIT_JOB_NAME = 'append';

import type { AuditFlag } from '../audit-flags';

export type { AuditFlag };

export interface PremiumCallEntry {
  kind: 'premium_call';
  /** Unique per entry (the request id), so a redelivered job is written once. */
  eventId: string;
  organizationId: string;
  apiKeyId: string;
  userId: string | null;
  modelId: string;
  modelSlug: string;
  tier: string;
  occurredAt: string;
  clientIp: string | null;
  userAgent: string | null;
  params: PremiumCallEvent['params'];
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  status: PremiumCallEvent['status'];
  finishReason: string | null;
  flags: AuditFlag[];
  promptSha256: string;
  completionSha256: string;
  /** minhash-v1 signatures (uint32) and LSH band keys; see fingerprint/minhash.ts. */
  promptMinhash: number[];
  completionMinhash: number[];
  promptBands: number[];
  completionBands: number[];
  /** The texts travel to the worker, which keeps them only where the organisation's retention says so. */
  promptText: string;
  completionText: string;
  /** Verifiable billing: the usage record's charge (decimal micro-units) and currency; absent on older leaves. */
  costMicros?: string;
  currency?: string;
  /**
   * SHA-256 (hex) of the event JSON the gateway appended to its audit stream: what the gateway's
   * receipt signs, so a receipt is checked against this one field of the included leaf. Absent on
   * entries not taken from the stream (and on leaves before v3).
   */
  eventSha256?: string;
  enqueuedAt: string;
}

export interface AdminActionEntry {
  kind: 'admin_action';
  eventId: string;
  organizationId: string | null;
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  details: AdminAction['details'] | null;
  occurredAt: string;
  enqueuedAt: string;
}

export type AuditEntry = PremiumCallEntry | AdminActionEntry;
