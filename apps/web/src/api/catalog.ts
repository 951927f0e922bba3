import { api } from './client';
import type { Dto } from './wire';

export interface ModelTier {
  name: string;
  rank: number;
  gated: boolean;
}

export interface CatalogModel {
  id: string;
  slug: string;
  displayName: string;
  tier: string;
  inputPriceMicrosPerMTok: string;
  outputPriceMicrosPerMTok: string;
  currency: string;
  contextWindow: number;
  maxOutputTokens: number;
  status: ModelStatus;
}

export type ModelStatus = NonNullable<Dto<'UpdateModelDto'>['status']>;

export interface UnlockRule {
  tier: string;
  requiresContract: boolean;
  minQualifyingSpendMicros: string;
  spendWindowDays: number;
  currency: string;
  requiresVerified: boolean;
  requiresNotSuspended: boolean;
  minAccountAgeDays: number;
  dualApprovalAboveMicros: string;
  version: number;
  updatedAt?: string;
}

/** One organisation a rule change would let in, lock out, or keep until its contract's term ends. */
export interface ImpactedOrganization {
  organizationId: string;
  name: string;
  contractId?: string;
  until?: string;
}

export interface RuleChangeImpact {
  tier: string;
  evaluatedAt: string;
  gain: ImpactedOrganization[];
  lose: ImpactedOrganization[];
  grandfathered: ImpactedOrganization[];
}

/** A version of a rule: when it takes effect, whether it grandfathers, and its preview as saved. */
export interface UnlockRuleChange {
  id: string;
  version: number | null;
  reason: string;
  changedAt: string;
  effectiveAt: string;
  appliedAt: string | null;
  grandfather: boolean;
  impact: RuleChangeImpact | null;
}

/** What the rule form sends: the terms, plus when and whether to grandfather. */
/** A rule's terms as the portal takes them (preview; PUT adds the reason and version). */
export type RuleInput = Dto<'UnlockRuleTermsDto'>;

export const catalogApi = {
  tiers: () => api.get<ModelTier[]>('/catalog/tiers'),
  models: () => api.get<CatalogModel[]>('/catalog/models'),
  updateModel: (id: string, body: Dto<'UpdateModelDto'>) =>
    api.patch<CatalogModel>(`/catalog/models/${id}`, body),
  rules: () => api.get<UnlockRule[]>('/unlock-rules'),
  putRule: (tier: string, body: Dto<'PutUnlockRuleDto'>) =>
    api.put<UnlockRule & { change: UnlockRuleChange }>(`/unlock-rules/${tier}`, body),
  previewRule: (tier: string, body: RuleInput) =>
    api.post<RuleChangeImpact>(`/unlock-rules/${tier}/preview`, body),
  ruleChanges: (tier: string) => api.get<UnlockRuleChange[]>(`/unlock-rules/${tier}/changes`),
};
