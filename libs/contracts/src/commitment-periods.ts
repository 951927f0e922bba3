import { UTCDate } from '@date-fns/utc';
import { addDays, addMonths, differenceInCalendarDays } from 'date-fns';
import type { Micros } from '@velvet/common';

export interface CommitmentPeriod {
  index: number;
  /** First day, `YYYY-MM-DD` UTC. */
  start: string;
  /** First day after the period (exclusive), `YYYY-MM-DD` UTC. */
  end: string;
  days: number;
  /** Length of a full period from `start`; shorter `days` means the term cut it short. */
  fullDays: number;
}

const toDate = (day: string): UTCDate => new UTCDate(`${day}T00:00:00.000Z`);
const toDay = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The commitment periods of a term. Each boundary is `termStart + k * periodMonths` counted
 * from the start (never from the previous boundary), so Jan 31 + 1 month is Feb 28 (29 in leap
 * years) and the next boundary is Mar 31 again, not Mar 28. The last period ends with the term.
 */
export function commitmentPeriods(
  termStart: string,
  termEnd: string,
  periodMonths: number,
): CommitmentPeriod[] {
  const start = toDate(termStart);
  const endExclusive = addDays(toDate(termEnd), 1);
  const periods: CommitmentPeriod[] = [];
  for (let k = 0; ; k++) {
    const from = addMonths(start, k * periodMonths);
    if (from >= endExclusive) break;
    const fullEnd = addMonths(start, (k + 1) * periodMonths);
    const to = fullEnd < endExclusive ? fullEnd : endExclusive;
    periods.push({
      index: k,
      start: toDay(from),
      end: toDay(to),
      days: differenceInCalendarDays(to, from),
      fullDays: differenceInCalendarDays(fullEnd, from),
    });
  }
  return periods;
}

/** A period cut short by the term's end owes the minimum pro rata by days, rounded down (in the customer's favour). */
export function periodMinimum(
  minSpendMicros: Micros,
  period: Pick<CommitmentPeriod, 'days' | 'fullDays'>,
): Micros {
  if (period.days >= period.fullDays) return minSpendMicros;
  return (minSpendMicros * BigInt(period.days)) / BigInt(period.fullDays);
}

/** What is owed on top of the spend: never negative. */
export function shortfall(minimumMicros: Micros, spentMicros: Micros): Micros {
  return spentMicros >= minimumMicros ? 0n : minimumMicros - spentMicros;
}
