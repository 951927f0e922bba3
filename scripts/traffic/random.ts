/** Seeded randomness, so a scenario is reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Normal via Box-Muller. */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * Human traffic: sessions arrive as a Poisson process whose rate follows office hours in the
 * organisation's time zone; each session is a burst of a few calls seconds apart.
 */
export function officeHoursArrivals(
  rng: Rng,
  from: number,
  to: number,
  opts: {
    sessionsPerHour: number;
    callsPerSession: number;
    utcOffsetHours: number;
    weekendFactor?: number;
  },
): number[] {
  const out: number[] = [];
  let t = from;
  const peak = opts.sessionsPerHour;
  while (t < to) {
    t += rng.exp(HOUR / peak);
    const localHour = (new Date(t).getUTCHours() + opts.utcOffsetHours + 24) % 24;
    const weight =
      localHour >= 9 && localHour < 17 ? 1 : localHour >= 7 && localHour < 20 ? 0.35 : 0.03;
    if (!rng.chance(weight) || t >= to) continue;
    const calls = 1 + Math.floor(rng.exp(opts.callsPerSession - 1));
    let s = t;
    for (let i = 0; i < calls && s < to; i++) {
      out.push(Math.floor(s));
      s += 4_000 + rng.exp(35_000);
    }
  }
  return out.sort((a, b) => a - b);
}

/** A script's calls: a fixed period with small jitter (network and latency noise). */
export function regularArrivals(
  rng: Rng,
  from: number,
  to: number,
  periodMs: number,
  jitterFraction: number,
): number[] {
  const out: number[] = [];
  let t = from + rng.next() * periodMs;
  while (t < to) {
    out.push(Math.floor(t));
    t += Math.max(periodMs * 0.2, rng.normal(periodMs, periodMs * jitterFraction));
  }
  return out;
}

/** A Poisson process: exponential gaps of mean `meanGapMs`, around the clock. */
export function poissonArrivals(rng: Rng, from: number, to: number, meanGapMs: number): number[] {
  const out: number[] = [];
  for (let t = from + rng.exp(meanGapMs); t < to; t += rng.exp(meanGapMs)) out.push(Math.floor(t));
  return out;
}
