import type { UsageGranularity, UsageGroupBy } from './usage-report.view';

/** What a usage report covers; `from` and `to` are UTC days, both included. */
export interface UsageQuery {
  organizationId: string;
  from: string;
  to: string;
  granularity: UsageGranularity;
  groupBy: UsageGroupBy;
  modelId?: string;
  apiKeyId?: string;
  teamId?: string;
}

/** Longest range of a report; hourly points are bounded harder, since they are read from the hourly rollup. */
export const MAX_RANGE_DAYS = 366;
export const MAX_HOURLY_RANGE_DAYS = 14;

const DAY_MS = 86_400_000;
export const rangeDays = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

export enum UsageQueryProblem {
  Reversed = 'the range ends before it starts',
  TooLong = 'the range is too long',
  HourlyTooLong = 'hourly points cover at most 14 days',
}

/** Null when the range can be served; the reason otherwise (the API answers 400 with it). */
export function usageQueryProblem(q: Pick<UsageQuery, 'from' | 'to' | 'granularity'>) {
  const days = rangeDays(q.from, q.to);
  if (days < 1) return UsageQueryProblem.Reversed;
  if (days > MAX_RANGE_DAYS) return UsageQueryProblem.TooLong;
  if (q.granularity === 'hour' && days > MAX_HOURLY_RANGE_DAYS)
    return UsageQueryProblem.HourlyTooLong;
  return null;
}

/** The instant after the range's last day (exclusive upper bound). */
export const dayAfter = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;
const addMonths = (month: string, n: number): string => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};
const dayBefore = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/**
 * Splits the days from..to (both included) into whole calendar months (first days of the first and
 * last whole month, or null) and the days before and after them.
 */
export function splitByMonths(
  from: string,
  to: string,
): { months: [string, string] | null; days: [string, string][] } {
  const first = from === monthStart(from) ? from : addMonths(monthStart(from), 1);
  const last =
    dayAfter(to) === monthStart(dayAfter(to)) ? monthStart(to) : addMonths(monthStart(to), -1);
  if (first > last) return { months: null, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < first) days.push([from, dayBefore(first)]);
  const afterLast = addMonths(last, 1);
  if (afterLast <= to) days.push([afterLast, to]);
  return { months: [first, last], days };
}
