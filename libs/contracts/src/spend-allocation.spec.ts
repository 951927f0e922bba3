import fc from 'fast-check';
import { type AllocationPeriod, allocateSpend, type DailySpend } from './spend-allocation';

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 1);
const day = (n: number) => new Date(BASE + n * DAY).toISOString().slice(0, 10);

const periodArb = fc
  .record({
    start: fc.integer({ min: 0, max: 120 }),
    length: fc.integer({ min: 1, max: 90 }),
    minimum: fc.bigInt({ min: 1n, max: 5_000_000n }),
    currency: fc.constantFrom('USD', 'EUR'),
    createdAt: fc.integer({ min: 0, max: 5 }),
  })
  .map((r): Omit<AllocationPeriod, 'key' | 'contractId'> => ({
    start: day(r.start),
    end: day(r.start + r.length),
    minimumMicros: r.minimum,
    currency: r.currency,
    createdAt: r.createdAt,
  }));
const spendArb = fc.record({
  day: fc.integer({ min: -10, max: 220 }).map(day),
  currency: fc.constantFrom('USD', 'EUR'),
  micros: fc.bigInt({ min: 0n, max: 3_000_000n }),
});
const caseArb = fc.record({
  periods: fc
    .array(periodArb, { maxLength: 8 })
    .map((ps) => ps.map((p, i) => ({ ...p, key: `c${i}:0`, contractId: `c${i}` }))),
  spend: fc.array(spendArb, { maxLength: 40 }),
});

const covers = (p: AllocationPeriod, s: DailySpend) =>
  p.currency === s.currency && p.start <= s.day && s.day < p.end;

describe('allocateSpend', () => {
  it('counts the spend of two overlapping contracts once, earliest-ending first', () => {
    const periods: AllocationPeriod[] = [
      {
        key: 'b:0',
        contractId: 'b',
        currency: 'USD',
        start: day(0),
        end: day(91),
        minimumMicros: 4_000_000n,
        createdAt: 1,
      },
      {
        key: 'a:0',
        contractId: 'a',
        currency: 'USD',
        start: day(0),
        end: day(90),
        minimumMicros: 3_000_000n,
        createdAt: 2,
      },
    ];
    const { allocated } = allocateSpend(periods, [
      { day: day(5), currency: 'USD', micros: 1_065_102n },
    ]);
    expect(allocated.get('a:0')).toBe(1_065_102n);
    expect(allocated.get('b:0')).toBe(0n);
    // shortfalls: 1.934898 + 4.000000 = 5.934898 USD, not 4.87
  });

  it('fills the first commitment to its minimum, then the next; surplus stays with the first', () => {
    const periods: AllocationPeriod[] = [
      {
        key: 'a:0',
        contractId: 'a',
        currency: 'USD',
        start: day(0),
        end: day(30),
        minimumMicros: 100n,
        createdAt: 0,
      },
      {
        key: 'b:0',
        contractId: 'b',
        currency: 'USD',
        start: day(0),
        end: day(60),
        minimumMicros: 50n,
        createdAt: 0,
      },
    ];
    const { allocated } = allocateSpend(periods, [{ day: day(1), currency: 'USD', micros: 170n }]);
    expect([allocated.get('a:0'), allocated.get('b:0')]).toEqual([120n, 50n]);
  });

  it('property: allocated spend plus uncommitted spend equals actual spend, per currency', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, spend }) => {
        const { allocated, uncommittedMicros } = allocateSpend(periods, spend);
        const total = spend.reduce((a, s) => a + s.micros, 0n);
        const sum = [...allocated.values()].reduce((a, v) => a + v, 0n);
        expect(sum + uncommittedMicros).toBe(total);
        const uncovered = spend
          .filter((s) => !periods.some((p) => covers(p, s)))
          .reduce((a, s) => a + s.micros, 0n);
        expect(uncommittedMicros).toBe(uncovered);
        for (const cur of ['USD', 'EUR']) {
          const covered = spend
            .filter((s) => s.currency === cur && periods.some((p) => covers(p, s)))
            .reduce((a, s) => a + s.micros, 0n);
          const got = periods
            .filter((p) => p.currency === cur)
            .reduce((a, p) => a + allocated.get(p.key)!, 0n);
          expect(got).toBe(covered);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: a period gets only spend of days it covers, and more than its minimum only when every period covering that spend is full', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, spend }) => {
        const { allocated } = allocateSpend(periods, spend);
        for (const p of periods) {
          const reachable = spend.filter((s) => covers(p, s)).reduce((a, s) => a + s.micros, 0n);
          const got = allocated.get(p.key)!;
          expect(got <= reachable).toBe(true);
          if (got > p.minimumMicros) {
            // surplus only comes from a day on which every period covering it reached its minimum
            const fromFullDay = spend.some(
              (s) =>
                covers(p, s) &&
                periods.every((q) => !covers(q, s) || allocated.get(q.key)! >= q.minimumMicros),
            );
            expect(fromFullDay).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: never more owed than the sum of minimums, never less than with one spend counted twice', () => {
    fc.assert(
      fc.property(caseArb, ({ periods, spend }) => {
        const { allocated } = allocateSpend(periods, spend);
        const owed = (got: (p: AllocationPeriod) => bigint) =>
          periods.reduce(
            (a, p) => a + (got(p) >= p.minimumMicros ? 0n : p.minimumMicros - got(p)),
            0n,
          );
        const once = owed((p) => allocated.get(p.key)!);
        const twice = owed((p) =>
          spend.filter((s) => covers(p, s)).reduce((a, s) => a + s.micros, 0n),
        );
        expect(once >= twice).toBe(true);
        expect(once <= periods.reduce((a, p) => a + p.minimumMicros, 0n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
