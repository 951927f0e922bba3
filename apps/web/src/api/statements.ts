import { api } from './client';

/** One commitment period of a contract: spend against the minimum, and the shortfall owed (so far). */
export interface PeriodStatement {
  index: number;
  start: string;
  end: string;
  state: 'closed' | 'open';
  minimumMicros: string;
  spentMicros: string;
  shortfallMicros: string;
  currency: string;
  summary: string;
}

export const statementsApi = {
  forContract: (contractId: string) =>
    api.get<{ contractId: string; periods: PeriodStatement[]; notes: string[] }>(
      `/contracts/${contractId}/statements`,
    ),
};

/** The running period, or else the latest one. */
export const currentPeriod = (periods: PeriodStatement[]) =>
  periods.find((p) => p.state === 'open') ?? periods[periods.length - 1];
