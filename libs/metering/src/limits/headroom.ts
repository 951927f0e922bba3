import { FIGURES_PER_SCOPE } from './quota.scripts';

/** A scope's effective limits (null = unlimited). */
export interface ScopeLimits {
  rpm: number | null;
  tpm: number | null;
  cap: bigint | null;
}

interface Seen {
  at: number;
  requests: number;
  tokens: number;
  spend: number;
}

/** How long a scope's last answer is trusted for the guess. */
const FRESH_MS = 1000;
/** "Clearly within": at least this share of each limit left, and room for this many calls like this one. */
const SHARE = 0.1;
const CALLS = 4;

/**
 * What the last script answer said about each scope's room (requests and tokens left in the burst,
 * spend cap headroom), kept per process to guess whether a call is clearly within its limits and
 * may therefore run its upstream call before it is admitted, then be admitted and finished in one
 * round trip. Only a guess: the script always enforces the limits atomically, so a wrong guess
 * (other processes, calls in flight) costs one upstream call whose answer is discarded and a 429,
 * never a limit overshot.
 */
export class Headroom {
  private readonly seen = new Map<string, Seen>();

  /** Records an 'ok' answer's figures (FIGURES_PER_SCOPE per scope, scopes in order). */
  note(scopes: readonly string[], figures: readonly number[], now = Date.now()): void {
    scopes.forEach((scope, i) => {
      const f = i * FIGURES_PER_SCOPE;
      this.seen.set(scope, { at: now, requests: figures[f], tokens: figures[f + 2], spend: figures[f + 4] });
    });
  }

  forget(scopes: readonly string[]): void {
    for (const s of scopes) this.seen.delete(s);
  }

  clearlyWithin(scopes: readonly string[], limits: readonly ScopeLimits[], estTokens: number, estCost: bigint, now = Date.now()): boolean {
    for (let i = 0; i < scopes.length; i++) {
      const l = limits[i];
      if (l.rpm === null && l.tpm === null && l.cap === null) continue;
      if (l.rpm === 0 || l.tpm === 0 || l.cap === 0n) return false;
      const s = this.seen.get(scopes[i]);
      if (!s || now - s.at > FRESH_MS) return false;
      if (l.rpm !== null && s.requests < Math.max(CALLS, l.rpm * SHARE)) return false;
      if (l.tpm !== null && s.tokens < Math.max(CALLS * estTokens, l.tpm * SHARE)) return false;
      if (l.cap !== null && s.spend < Number(estCost) * CALLS) return false;
    }
    // Bounded: scopes seen once and never again are dropped wholesale now and then.
    if (this.seen.size > 100_000) this.seen.clear();
    return true;
  }
}
