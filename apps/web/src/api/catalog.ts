import { api } from './client';
import type { Dto, View } from './wire';

export type ModelTier = View<'ModelTierView'>;

export type CatalogModel = View<'CatalogModelView'>;

export type ModelStatus = View<'ModelStatus'>;

export type UnlockRule = View<'UnlockRuleView'>;

/** One organisation a rule change would let in, lock out, or keep until its contract's term ends. */
export type ImpactedOrganization = View<'ImpactedOrganizationView'> &
  Partial<View<'GrandfatheredOrganizationView'>>;

export type RuleChangeImpact = View<'RuleChangeImpactView'>;

/** A version of a rule: when it takes effect, whether it grandfathers, and its preview as saved. */
export type UnlockRuleChange = View<'UnlockRuleChangeView'>;

/** A rule's terms as the portal takes them (preview; PUT adds the reason and version). */
export type RuleInput = Dto<'UnlockRuleTermsDto'>;

export const catalogApi = {
  tiers: () => api.get<ModelTier[]>('/catalog/tiers'),
  models: () => api.get<CatalogModel[]>('/catalog/models'),
  updateModel: (id: string, body: Dto<'UpdateModelDto'>) =>
    api.patch<CatalogModel>(`/catalog/models/${id}`, body),
  rules: () => api.get<UnlockRule[]>('/unlock-rules'),
  putRule: (tier: string, body: Dto<'PutUnlockRuleDto'>) =>
    api.put<View<'PutUnlockRuleView'>>(`/unlock-rules/${tier}`, body),
  previewRule: (tier: string, body: RuleInput) =>
    api.post<RuleChangeImpact>(`/unlock-rules/${tier}/preview`, body),
  ruleChanges: (tier: string) => api.get<UnlockRuleChange[]>(`/unlock-rules/${tier}/changes`),
};
