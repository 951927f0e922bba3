import { api } from './client';
import type { Dto, View } from './wire';
import type {
  ProvenanceMatch as SharedProvenanceMatch,
  ProvenanceResult,
} from '@velvet/detection/browser';

/** Alert cases, risk scores, provenance, suspensions (apps/portal-api/src/detection, entitlements). */
export type CaseStatus = View<'AlertCaseStatus'>;

export type DetectorEvidence = View<'DetectorEvidenceView'>;

export type AlertCase = View<'AlertCaseView'>;

export type CaseEvent = View<'CaseEventView'>;

export type RiskScore = View<'RiskScoreView'>;

/** A provenance match as JSON carries it: dates as ISO strings. */
export type ProvenanceMatch = SharedProvenanceMatch<string>;

export type Suspension = View<'SuspensionView'>;

export const securityApi = {
  cases: (q: { status?: string; organizationId?: string; limit: number; offset: number }) =>
    api.get<View<'AlertCasePage'>>('/security/alert-cases', q),
  case: (id: string) => api.get<View<'AlertCaseDetailView'>>(`/security/alert-cases/${id}`),
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
  runDetection: () => api.post<View<'DetectionRunView'>>('/security/detection/runs', {}),
  suspensions: (orgId: string) => api.get<Suspension[]>(`/organizations/${orgId}/suspensions`),
  suspend: (orgId: string, reason: string) =>
    api.post<View<'SuspensionOutcomeView'>>(`/organizations/${orgId}/suspension`, { reason }),
  restore: (orgId: string, reason: string) =>
    api.post<Suspension>(`/organizations/${orgId}/suspension/restore`, { reason }),
};

/** A gateway limit override on the whole organisation (apiKeyId null) or one key. */
export type Throttle = View<'ThrottleView'>;

export const throttlesApi = {
  list: (orgId: string) => api.get<Throttle[]>(`/organizations/${orgId}/throttles`),
  lift: (orgId: string, apiKeyId: string | null, reason: string) =>
    api.post<View<'ThrottleLiftView'>>(`/organizations/${orgId}/throttles/lift`, {
      apiKeyId: apiKeyId ?? undefined,
      reason,
    } satisfies Dto<'LiftThrottleDto'>),
};
