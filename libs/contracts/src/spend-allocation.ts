import type { Micros } from '@velvet/common';

/** One commitment period of one contract, as the allocation sees it (days `YYYY-MM-DD`, end exclusive). */
export interface AllocationPeriod {
  /** Unique per period, e.g. `${contractId}:${index}`. */
  key: string;
  contractId: string;
  currency: string;
  start: string;
  end: string;
  minimumMicros: Micros;
  /** Tie-break after the end and start dates: the older contract first. */
  createdAt: number;
}

/** Billed spend of one UTC day in one currency. */
export interface DailySpend {
  day: string;
  currency: string;
  micros: Micros;
}

export interface SpendAllocation {
  /** Per period key: the spend counted against that period. */
  allocated: Map<string, Micros>;
  /** Spend on days no contract period covers (pay as you go): counted against no commitment. */
  uncommittedMicros: Micros;
}

/**
 * The allocation rule: every micro of spend counts against exactly one commitment. Days are taken
 * in order; a day's spend goes to the periods covering that day (same currency), the one that ENDS
 * EARLIEST first (then the earlier start, then the older contract), each filled up to its minimum
 * before the next gets any. What is left once every covering period reached its minimum stays with
 * the first of them (spend above its minimum). So overlapping contracts never count one spend twice,
 * and the commitment closest to its deadline is met first, which is what keeps a customer's true-up
 * smallest.
 */
export function allocateSpend(
  periods: readonly AllocationPeriod[],
  spend: readonly DailySpend[],
): SpendAllocation {
  const ordered = [...periods].sort(
    (a, b) =>
      cmp(a.end, b.end) || cmp(a.start, b.start) || a.createdAt - b.createdAt || cmp(a.key, b.key),
  );
  const allocated = new Map<string, Micros>(periods.map((p) => [p.key, 0n]));
  let uncommittedMicros = 0n;
  for (const s of [...spend].sort((a, b) => cmp(a.day, b.day))) {
    const covering = ordered.filter(
      (p) => p.currency === s.currency && p.start <= s.day && s.day < p.end,
    );
    if (covering.length === 0) {
      uncommittedMicros += s.micros;
      continue;
    }
    let left = s.micros;
    for (const p of covering) {
      const room = p.minimumMicros - allocated.get(p.key)!;
      if (room <= 0n) continue;
      const take = left < room ? left : room;
      allocated.set(p.key, allocated.get(p.key)! + take);
      left -= take;
      if (left === 0n) break;
    }
    if (left > 0n) allocated.set(covering[0].key, allocated.get(covering[0].key)! + left);
  }
  return { allocated, uncommittedMicros };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
