import { api } from './client';
import type { Dto, View } from './wire';

/** Contracts, entitlements, spend and statements (apps/portal-api/src/{contracts,entitlements,statements}). */
export type ContractStatus = View<'ContractStatus'>;

export type Contract = View<'ContractView'>;
/** GET /contracts/:id: with the current round's approvals and the overlapping open contracts. */
export type ContractDetail = View<'ContractDetailView'>;

/** One binding contract per organisation, tier and day: what else covers these dates. */
export type OverlappingContract = View<'OverlappingContractView'>;

export type ContractTransition = View<'ContractTransitionView'>;

export type ConditionResult = View<'ConditionResultView'>;
export type ModelEntitlement = View<'ModelEntitlementView'>;
/** GET /organizations/:orgId/entitlements: every active model, callable or not and why. */
export type EntitlementExplanation = View<'EntitlementExplanationView'>;

export type SpendPoint = View<'DailySpendView'>;

/**
 * The terms a customer requests (optionally submitted at once). `textRetentionDays` is a number
 * or null on the wire; the DTO's OpenAPI metadata does not say so (nullable without a type), so
 * the generated type is corrected here.
 */
type RetentionFixed<T> = Omit<T, 'textRetentionDays'> & { textRetentionDays?: number | null };
export type ContractInput = RetentionFixed<Dto<'CreateContractDto'>>;
/** The terms a customer amends (a returned request), with the version they edited. */
export type ContractUpdate = RetentionFixed<Dto<'UpdateContractDto'>>;

export const contractsApi = {
  listForOrg: (orgId: string, offset = 0) =>
    api.get<View<'ContractPage'>>('/contracts', { organizationId: orgId, limit: 20, offset }),
  create: (orgId: string, input: ContractInput) =>
    api.post<View<'CreatedContractView'>>(`/organizations/${orgId}/contracts`, input),
  update: (id: string, input: ContractUpdate) => api.patch<Contract>(`/contracts/${id}`, input),
  submit: (id: string) => api.post<Contract>(`/contracts/${id}/submit`),
  list: (query: { status?: string; organizationId?: string; limit?: number; offset?: number }) =>
    api.get<View<'ContractPage'>>('/contracts', query),
  get: (id: string) => api.get<ContractDetail>(`/contracts/${id}`),
  transitions: (id: string) => api.get<ContractTransition[]>(`/contracts/${id}/transitions`),
  approve: (id: string, reason?: string) =>
    api.post<View<'ApprovedContractView'>>(
      `/contracts/${id}/approve`,
      (reason ? { reason } : {}) satisfies Dto<'ApproveContractDto'>,
    ),
  reject: (id: string, reason: string) =>
    api.post<Contract>(`/contracts/${id}/reject`, { reason } satisfies Dto<'DecisionDto'>),
  requestChanges: (id: string, reason: string) =>
    api.post<Contract>(`/contracts/${id}/request-changes`, { reason } satisfies Dto<'DecisionDto'>),
  entitlements: (orgId: string) =>
    api.get<EntitlementExplanation>(`/organizations/${orgId}/entitlements`),
  spend: (orgId: string, days = 90) =>
    api.get<SpendPoint[]>(`/organizations/${orgId}/spend`, { days }),
};
