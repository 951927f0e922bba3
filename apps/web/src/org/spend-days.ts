import type { SpendPoint } from '../api/contracts';

/** Every UTC day of the range, with zero where nothing was spent (a chart of data days only misleads). */
export function fillDays(points: SpendPoint[], days: number, today = new Date()): SpendPoint[] {
  const byDay = new Map(points.map((p) => [p.day.slice(0, 10), p]));
  const out: SpendPoint[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, costMicros: '0', premiumCostMicros: '0' });
  }
  return out;
}
