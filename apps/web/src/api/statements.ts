import { api } from './client';
import type { View } from './wire';

/** One commitment period of a contract: spend against the minimum, and the shortfall owed (so far). */
export type PeriodStatement = View<'PeriodStatementView'>;

export const statementsApi = {
  forContract: (contractId: string) =>
    api.get<View<'ContractStatementsView'>>(`/contracts/${contractId}/statements`),
};

/** The running period, or else the latest one. */
export const currentPeriod = (periods: PeriodStatement[]) =>
  periods.find((p) => p.state === 'open') ?? periods[periods.length - 1];
