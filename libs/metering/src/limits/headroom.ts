import { FIGURES_PER_SCOPE } from './quota.scripts';

/** A scope's effective limits (null = unlimited). */
export interface ScopeLimits {
  rpm: number | null;
  tpm: number | null;
  cap: bigint | null;
}

interface Room {
  requests: number;
  tokens: number;
  spend: number;
}

interface Seen extends Room {
  at: number;
}

/** How long a scope's last answer is trusted for the guess. */
const FRESH_MS = 1000;
/** "Clearly within": at least this share of each limit left, and room for this many calls like this one. */
const SHARE = 0.1;
const CALLS = 4;
/** Bounds on what is remembered (scopes seen once, calls never settled): past them it is dropped, and the guess turns cautious. */
const MAX_ENTRIES = 100_000;

/**
 * What the last script answer said about each scope's room (requests and tokens left in the burst,
 * spend cap headroom), less what this process's calls in flight on the one-step path will take,
 * kept per process to guess whether a call is clearly within its limits and may therefore run its
 * upstream call before it is admitted, then be admitted and finished in one round trip. Only a
 * guess: the script always enforces the limits atomically, so a wrong guess (other processes)
 * costs one upstream call whose answer is discarded and a 429, never a limit overshot.
 */
export class Headroom {
  private readonly seen = new Map<string, Seen>();
  private readonly inFlight = new Map<string, Room>();
  private readonly calls = new Map<
    string,
    { scopes: readonly string[]; tokens: number; cost: number }
  >();

  /** Records an 'ok' answer's figures (FIGURES_PER_SCOPE per scope, scopes in order). */
  note(scopes: readonly string[], figures: readonly number[], now = Date.now()): void {
    if (this.seen.size > MAX_ENTRIES) this.seen.clear();
    scopes.forEach((scope, i) => {
      const f = i * FIGURES_PER_SCOPE;
      this.seen.set(scope, {
        at: now,
        requests: figures[f],
        tokens: figures[f + 2],
        spend: figures[f + 4],
      });
    });
  }

  forget(scopes: readonly string[]): void {
    for (const s of scopes) this.seen.delete(s);
  }

  /** Whether the call is clearly within every scope's limits; if so, its share is counted as in flight until `settled`. */
  reserve(
    callId: string,
    scopes: readonly string[],
    limits: readonly ScopeLimits[],
    estTokens: number,
    estCost: bigint,
    now = Date.now(),
  ): boolean {
    const cost = Number(estCost);
    for (let i = 0; i < scopes.length; i++) {
      const l = limits[i];
      if (l.rpm === null && l.tpm === null && l.cap === null) continue;
      if (l.rpm === 0 || l.tpm === 0 || l.cap === 0n) return false;
      const s = this.seen.get(scopes[i]);
      if (!s || now - s.at > FRESH_MS) return false;
      const busy = this.inFlight.get(scopes[i]) ?? { requests: 0, tokens: 0, spend: 0 };
      if (l.rpm !== null && s.requests - busy.requests < Math.max(CALLS, l.rpm * SHARE))
        return false;
      if (l.tpm !== null && s.tokens - busy.tokens < Math.max(CALLS * estTokens, l.tpm * SHARE))
        return false;
      if (l.cap !== null && s.spend - busy.spend < cost * CALLS) return false;
    }
    if (this.calls.size > MAX_ENTRIES) return false;
    this.calls.set(callId, { scopes, tokens: estTokens, cost });
    for (const scope of scopes) {
      const busy = this.inFlight.get(scope) ?? { requests: 0, tokens: 0, spend: 0 };
      busy.requests += 1;
      busy.tokens += estTokens;
      busy.spend += cost;
      this.inFlight.set(scope, busy);
    }
    return true;
  }

  /** The call's answer arrived (or it was given up): it no longer counts as in flight. Idempotent. */
  settled(callId: string): void {
    const c = this.calls.get(callId);
    if (!c) return;
    this.calls.delete(callId);
    for (const scope of c.scopes) {
      const busy = this.inFlight.get(scope);
      if (!busy) continue;
      busy.requests -= 1;
      busy.tokens -= c.tokens;
      busy.spend -= c.cost;
      if (busy.requests <= 0) this.inFlight.delete(scope);
    }
  }
}
