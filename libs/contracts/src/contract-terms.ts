import type { Micros } from '@velvet/common';
import { ContractException } from './contracts.exception';

export interface ContractTerms {
  tier: string;
  minSpendMicros: Micros;
  periodMonths: number;
  termStart: string;
  termEnd: string;
  currency: string;
  /** Days the organisation's prompt and completion texts may be kept while the contract is active; none when null. */
  textRetentionDays?: number | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date in `YYYY-MM-DD` (rejects 2025-02-30, which Date would roll over). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Cross-field checks the DTO cannot express. Throws a 422-kind error naming the problem. */
export function assertValidTerms(terms: ContractTerms): void {
  for (const field of ['termStart', 'termEnd'] as const) {
    if (!isCalendarDate(terms[field]))
      throw ContractException.invalidTerms(`${field} must be a calendar date YYYY-MM-DD`, {
        field,
      });
  }
  if (terms.termEnd < terms.termStart)
    throw ContractException.invalidTerms('termEnd must not be before termStart', {
      field: 'termEnd',
    });
  if (terms.minSpendMicros <= 0n)
    throw ContractException.invalidTerms('minSpendMicros must be positive', {
      field: 'minSpendMicros',
    });
  if (terms.minSpendMicros > 10n ** 15n)
    throw ContractException.invalidTerms('minSpendMicros is implausibly large', {
      field: 'minSpendMicros',
    });
  if (!Number.isInteger(terms.periodMonths) || terms.periodMonths < 1 || terms.periodMonths > 36) {
    throw ContractException.invalidTerms('periodMonths must be 1 to 36', { field: 'periodMonths' });
  }
  const days = terms.textRetentionDays ?? null;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650))
    throw ContractException.invalidTerms('textRetentionDays must be 1 to 3650', {
      field: 'textRetentionDays',
    });
  if (!/^[A-Z]{3}$/.test(terms.currency))
    throw ContractException.invalidTerms('currency must be an ISO 4217 code', {
      field: 'currency',
    });
}

export const utcToday = (now: Date): string => now.toISOString().slice(0, 10);

/** How far a term may start before today (a contract signed after the date it runs from). */
export const MAX_BACKDATE_DAYS = 180;
/** How far ahead a term may start. */
export const MAX_LEAD_DAYS = 365;
/** Longest term accepted. */
export const MAX_TERM_YEARS = 10;

const shiftDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Checks that depend on today (UTC): no term that already ended, a start within
 * [today - 180 days, today + 365 days], at most 10 years long. Applied on request, on every
 * change, and again on approval (a request can sit in the queue until its term is over).
 */
export function assertTermsCurrent(
  terms: Pick<ContractTerms, 'termStart' | 'termEnd'>,
  now: Date,
): void {
  assertTermNotOver(terms, now);
  const today = utcToday(now);
  const earliest = shiftDays(today, -MAX_BACKDATE_DAYS);
  const latest = shiftDays(today, MAX_LEAD_DAYS);
  if (terms.termStart < earliest || terms.termStart > latest)
    throw ContractException.invalidTerms(
      `termStart must be between ${earliest} and ${latest} (at most ${MAX_BACKDATE_DAYS} days back, ${MAX_LEAD_DAYS} days ahead)`,
      { field: 'termStart' },
    );
  const longest = `${Number(terms.termStart.slice(0, 4)) + MAX_TERM_YEARS}${terms.termStart.slice(4)}`;
  if (terms.termEnd > longest)
    throw ContractException.invalidTerms(`a term may last at most ${MAX_TERM_YEARS} years`, {
      field: 'termEnd',
    });
}

/** No contract is made, changed or approved for a term that already ended. */
export function assertTermNotOver(terms: Pick<ContractTerms, 'termEnd'>, now: Date): void {
  const today = utcToday(now);
  if (terms.termEnd < today)
    throw ContractException.invalidTerms(
      `termEnd ${terms.termEnd} is in the past (today is ${today} UTC)`,
      { field: 'termEnd' },
    );
}
