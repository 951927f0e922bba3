/** Dependency-free metering views shared by the server and the web portal. */
export type {
  RefusalCount,
  UsageBreakdownLine,
  UsageFigures,
  UsageGranularity,
  UsageGroupBy,
  UsageLine,
  UsagePoint,
  UsageReport,
} from './analytics/usage-report.view';
export type { SpendBreakdownRow } from './spend-breakdown.view';
