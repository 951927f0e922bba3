import { api, raw, withQuery } from './client';
import type { View } from './wire';

export type UsageGranularity = View<'UsageGranularity'>;
export type UsageGroupBy = View<'UsageGroupBy'>;
export type UsagePoint = View<'UsagePointView'>;
export type UsageReport = View<'UsageReportView'>;
/** One model × key (× team) line over the range, largest cost first. */
export type UsageBreakdownLine = View<'UsageBreakdownLineView'>;

export interface UsageParams {
  from: string;
  to: string;
  granularity: UsageGranularity;
  groupBy: UsageGroupBy;
}

export type OrganizationStatements = View<'OrganizationStatementsView'>;

export type PeriodDetail = View<'PeriodDetailView'>;

export const usageApi = {
  report: (orgId: string, p: UsageParams) =>
    api.get<UsageReport>(`/organizations/${orgId}/usage`, { ...p }),
  breakdown: (orgId: string, p: UsageParams) =>
    api.get<UsageBreakdownLine[]>(`/organizations/${orgId}/usage/breakdown`, { ...p }),
  /** Downloads through the authenticated client, then hands the file to the browser. */
  async csv(orgId: string, p: UsageParams): Promise<{ filename: string; blob: Blob }> {
    const res = await raw('GET', withQuery(`/organizations/${orgId}/usage/csv`, { ...p }));
    const disposition = res.headers.get('Content-Disposition') ?? '';
    return {
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'usage.csv',
      blob: await res.blob(),
    };
  },
  statements: (orgId: string) =>
    api.get<OrganizationStatements[]>(`/organizations/${orgId}/statements`),
  period: (contractId: string, index: number) =>
    api.get<PeriodDetail>(`/contracts/${contractId}/statements/${index}`),
};
