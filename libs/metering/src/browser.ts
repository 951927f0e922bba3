/** Dependency-free metering views shared by the server and the web portal. */
export type { SpendBreakdownRow } from './spend-breakdown.view';
