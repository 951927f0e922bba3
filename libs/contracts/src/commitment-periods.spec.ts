import fc from 'fast-check';
import { formatMicros } from '@velvet/common';
import { commitmentPeriods, periodMinimum, shortfall } from './commitment-periods';
import { assertValidTerms, isCalendarDate } from './contract-terms';

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dateArb = fc
  .integer({ min: Date.UTC(2020, 0, 1) / DAY, max: Date.UTC(2035, 11, 31) / DAY })
  .map((d) => day(d * DAY));

describe('commitmentPeriods', () => {
  it('counts months from the start, so month ends do not drift (Jan 31 + 1 month)', () => {
    const p = commitmentPeriods('2026-01-31', '2026-05-30', 1);
    expect(p.map((x) => [x.start, x.end])).toEqual([
      ['2026-01-31', '2026-02-28'],
      ['2026-02-28', '2026-03-31'],
      ['2026-03-31', '2026-04-30'],
      ['2026-04-30', '2026-05-31'],
    ]);
  });

  it('knows leap years', () => {
    expect(commitmentPeriods('2028-01-31', '2028-03-30', 1)[0]).toMatchObject({
      start: '2028-01-31',
      end: '2028-02-29',
      days: 29,
    });
    expect(commitmentPeriods('2028-02-29', '2029-02-27', 12)[0]).toMatchObject({
      start: '2028-02-29',
      end: '2029-02-28',
      days: 365,
    });
    expect(commitmentPeriods('2027-03-01', '2028-02-29', 12)).toEqual([
      { index: 0, start: '2027-03-01', end: '2028-03-01', days: 366, fullDays: 366 },
    ]);
  });

  it('quarters of a calendar year, and a short last period', () => {
    const q = commitmentPeriods('2026-01-01', '2026-12-31', 3);
    expect(q.map((x) => x.start)).toEqual(['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01']);
    expect(q.map((x) => x.days)).toEqual([90, 91, 92, 92]);
    const short = commitmentPeriods('2026-01-01', '2026-02-14', 3);
    expect(short).toEqual([
      { index: 0, start: '2026-01-01', end: '2026-02-15', days: 45, fullDays: 90 },
    ]);
  });

  it('tiles the term exactly: contiguous, non-empty, from start to the day after the end', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: 0, max: 1200 }),
        fc.integer({ min: 1, max: 36 }),
        (start, len, months) => {
          const end = day(Date.parse(`${start}T00:00:00Z`) + len * DAY);
          const periods = commitmentPeriods(start, end, months);
          if (periods[0].start !== start) return false;
          if (periods[periods.length - 1].end !== day(Date.parse(`${end}T00:00:00Z`) + DAY))
            return false;
          for (let i = 1; i < periods.length; i++)
            if (periods[i].start !== periods[i - 1].end) return false;
          const total = periods.reduce((s, p) => s + p.days, 0);
          return total === len + 1 && periods.every((p) => p.days > 0 && p.days <= p.fullDays);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('money of a statement', () => {
  const amount = fc.bigInt({ min: 0n, max: 10n ** 15n });

  it('shortfall is never negative and spend plus shortfall covers the minimum exactly when short', () => {
    fc.assert(
      fc.property(amount, amount, (min, spent) => {
        const s = shortfall(min, spent);
        return s >= 0n && (spent >= min ? s === 0n : spent + s === min);
      }),
    );
  });

  it('a full period owes the whole minimum; a cut one owes less, pro rata, never more', () => {
    fc.assert(
      fc.property(
        amount,
        fc.integer({ min: 28, max: 1100 }),
        fc.integer({ min: 1, max: 1100 }),
        (min, full, cut) => {
          const days = Math.min(cut, full);
          const owed = periodMinimum(min, { days, fullDays: full });
          if (days === full) return owed === min;
          // floor(min * days / full): exact to the micro, rounded in the customer's favour
          return (
            owed <= min &&
            owed * BigInt(full) <= min * BigInt(days) &&
            (owed + 1n) * BigInt(full) > min * BigInt(days)
          );
        },
      ),
    );
  });

  it('formats micro-units to cents half-up without floating point', () => {
    expect(formatMicros(41_200_000_000n, 'USD')).toBe('41,200.00 USD');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (m) => {
        const [num] = formatMicros(m, 'USD').split(' ');
        const cents = BigInt(num.replace(/[,.]/g, ''));
        const diff = cents * 10_000n - m;
        return diff >= -5_000n && diff < 5_000n;
      }),
    );
  });
});

describe('contract terms', () => {
  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(() =>
      assertValidTerms({
        tier: 'premium',
        minSpendMicros: 1n,
        periodMonths: 3,
        termStart: '2026-02-01',
        termEnd: '2026-01-31',
        currency: 'USD',
      }),
    ).toThrow(/termEnd/);
  });
});
