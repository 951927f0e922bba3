import { api } from './client';

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
  status: string;
}

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

export const catalogApi = {
  tiers: () => api.get<ModelTier[]>('/catalog/tiers'),
  models: () => api.get<CatalogModel[]>('/catalog/models'),
  updateModel: (id: string, body: Partial<CatalogModel>) =>
    api.patch<CatalogModel>(`/catalog/models/${id}`, body),
  rules: () => api.get<UnlockRule[]>('/unlock-rules'),
  putRule: (tier: string, body: Partial<UnlockRule> & { reason: string }) =>
    api.put<UnlockRule>(`/unlock-rules/${tier}`, body),
};
