import { api } from './client';
import type { Dto } from './wire';
import type { Page } from './types';
import type {
  ProvenanceMatch as SharedProvenanceMatch,
  ProvenanceResult,
} from '@velvet/detection/browser';

/** Alert cases, risk scores, provenance, suspensions (apps/portal-api/src/detection, entitlements). */
export type CaseStatus = 'open' | 'acknowledged' | 'escalated' | 'dismissed' | 'resolved';

export interface DetectorEvidence {
  detector: string;
  score: number;
  weight: number;
  summary: string;
  metrics: Record<string, number | string | null>;
  suppressedBy?: string;
}

export interface AlertCase {
  id: string;
  organizationId: string;
  status: CaseStatus;
  level: string;
  riskScore: number;
  peakScore: number;
  organizationScore: number;
  drivers: string[];
  evidence: DetectorEvidence[];
  flaggedKeys: {
    apiKeyId: string;
    score: number;
    level: string;
    drivers: string[];
    firstDetectedAt: string;
    lastDetectedAt: string;
  }[];
  firstDetectedAt: string;
  lastDetectedAt: string;
  resolutionReason: string | null;
  createdAt: string;
}

export interface CaseEvent {
  id: string;
  kind: string;
  actorUserId: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
  occurredAt: string;
}

export interface RiskScore {
  subjectType: 'organization' | 'api_key';
  subjectId: string;
  apiKeyId: string | null;
  windowStart: string;
  windowEnd: string;
  calls: number;
  score: number;
  level: string;
  drivers: string[];
}

/** A provenance match as JSON carries it: dates as ISO strings. */
export type ProvenanceMatch = SharedProvenanceMatch<string>;

export interface Suspension {
  id: string;
  organizationId: string;
  reason: string;
  suspendedAt: string;
  restoredAt: string | null;
  restoreReason: string | null;
}

export const securityApi = {
  cases: (q: { status?: string; organizationId?: string; limit: number; offset: number }) =>
    api.get<Page<AlertCase>>('/security/alert-cases', q),
  case: (id: string) =>
    api.get<{ case: AlertCase; events: CaseEvent[] }>(`/security/alert-cases/${id}`),
  act: (
    id: string,
    action: 'acknowledge' | 'escalate' | 'dismiss' | 'resolve' | 'suspend' | 'restore',
    reason: string,
  ) =>
    api.post<unknown>(`/security/alert-cases/${id}/${action}`, {
      reason,
    } satisfies Dto<'ReasonDto'>),
  throttle: (id: string, body: Dto<'ThrottleDto'>) =>
    api.post<unknown>(`/security/alert-cases/${id}/throttle`, body),
  riskScores: (organizationId: string, limit = 200) =>
    api.get<RiskScore[]>('/security/risk-scores', { organizationId, limit }),
  provenance: (text: string, minSimilarity = 0.3) =>
    api.post<ProvenanceResult<string>>('/security/provenance', {
      text,
      minSimilarity,
      limit: 20,
    }),
  runDetection: () => api.post<{ jobId: string }>('/security/detection/runs', {}),
  suspensions: (orgId: string) => api.get<Suspension[]>(`/organizations/${orgId}/suspensions`),
  suspend: (orgId: string, reason: string) =>
    api.post<Suspension>(`/organizations/${orgId}/suspension`, { reason }),
  restore: (orgId: string, reason: string) =>
    api.post<Suspension>(`/organizations/${orgId}/suspension/restore`, { reason }),
};

/** A gateway limit override on the whole organisation (apiKeyId null) or one key. */
export interface Throttle {
  apiKeyId: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  reason: string;
  createdAt: string;
}

export const throttlesApi = {
  list: (orgId: string) => api.get<Throttle[]>(`/organizations/${orgId}/throttles`),
  lift: (orgId: string, apiKeyId: string | null, reason: string) =>
    api.post<{ lifted: boolean }>(`/organizations/${orgId}/throttles/lift`, {
      apiKeyId: apiKeyId ?? undefined,
      reason,
    } satisfies Dto<'LiftThrottleDto'>),
};
