import { api } from './client';
import type { Dto } from './wire';
import type { Page } from './types';
import type { EntitlementExplanation as Explanation } from '@velvet/entitlements/browser';

/** Contracts, entitlements, spend and statements (apps/portal-api/src/{contracts,entitlements,statements}). */
export type ContractStatus =
  | 'draft'
  | 'submitted'
  | 'changes_requested'
  | 'approved'
  | 'rejected'
  | 'active'
  | 'expired'
  | 'terminated';

export interface Contract {
  id: string;
  organizationId: string;
  organizationName?: string;
  tier: string;
  minSpendMicros: string;
  periodMonths: number;
  termStart: string;
  termEnd: string;
  currency: string;
  /** Days the provider may keep prompt and completion texts while the contract is active; none when null. */
  textRetentionDays: number | null;
  status: ContractStatus;
  requiredApprovals: number;
  requestedBy: string;
  notes: string | null;
  version: number;
  createdAt: string;
  /** On GET /contracts/:id: the approvals of the current review round. */
  approvals?: { approverId: string; reason: string | null; approvedAt: string }[];
  /** The earlier contract this one amends or replaces (ended when this one is approved). */
  replacesContractId?: string | null;
  relation?: 'amendment' | 'replacement' | null;
  /** On GET /contracts/:id and on creation: the organisation's other open contracts for the tier whose terms overlap. */
  overlapping?: OverlappingContract[];
}

/** One binding contract per organisation, tier and day: what else covers these dates (issue 14.2). */
export interface OverlappingContract {
  id: string;
  status: ContractStatus;
  tier: string;
  termStart: string;
  termEnd: string;
  minSpendMicros: string;
  currency: string;
  /** Approved or active, and not the one being replaced: approval will be refused. */
  blocking: boolean;
  replaced: boolean;
}

export interface ContractTransition {
  id: string;
  fromStatus: string | null;
  toStatus: string;
  actorUserId: string | null;
  reason: string | null;
  occurredAt: string;
}

export type { ConditionResult, ModelEntitlement } from '@velvet/entitlements/browser';
/** The explanation as JSON carries it: dates as ISO strings. */
export type EntitlementExplanation = Explanation<string>;

export interface SpendPoint {
  day: string;
  costMicros: string;
  premiumCostMicros?: string;
}

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
    api.get<Page<Contract>>('/contracts', { organizationId: orgId, limit: 20, offset }),
  create: (orgId: string, input: ContractInput) =>
    api.post<Contract>(`/organizations/${orgId}/contracts`, input),
  update: (id: string, input: ContractUpdate) => api.patch<Contract>(`/contracts/${id}`, input),
  submit: (id: string) => api.post<Contract>(`/contracts/${id}/submit`),
  list: (query: { status?: string; organizationId?: string; limit?: number; offset?: number }) =>
    api.get<Page<Contract>>('/contracts', query),
  get: (id: string) => api.get<Contract>(`/contracts/${id}`),
  transitions: (id: string) => api.get<ContractTransition[]>(`/contracts/${id}/transitions`),
  approve: (id: string, reason?: string) =>
    api.post<Omit<Contract, 'approvals'> & { approvals: number }>(
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
