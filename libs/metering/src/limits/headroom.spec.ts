import { Headroom } from './headroom';
import { FIGURES_PER_SCOPE } from './quota.scripts';

const scopes = ['o', 'k'];
/** requests remaining, requests reset, tokens remaining, tokens reset, spend headroom, per scope. */
const figures = (requests: number, tokens: number, spend: number) => [
  requests,
  0,
  tokens,
  0,
  spend,
  requests,
  0,
  tokens,
  0,
  spend,
];
const limits = [
  { rpm: 100, tpm: 10_000, cap: 1_000_000n },
  { rpm: null, tpm: null, cap: null },
];

describe('Headroom (the one-step path guess)', () => {
  it('has one figure set per scope in the order the scripts answer', () => {
    expect(figures(1, 1, 1)).toHaveLength(2 * FIGURES_PER_SCOPE);
  });

  it('guesses nothing without a fresh answer for a limited scope, and nothing for a limit of zero', () => {
    const h = new Headroom();
    expect(h.reserve('a', scopes, limits, 10, 100n, 0)).toBe(false);
    h.note(scopes, figures(90, 9000, 900_000), 0);
    expect(h.reserve('b', scopes, limits, 10, 100n, 500)).toBe(true);
    expect(h.reserve('c', scopes, limits, 10, 100n, 1500)).toBe(false);
    h.note(scopes, figures(90, 9000, 900_000), 2000);
    expect(h.reserve('d', scopes, [{ ...limits[0], rpm: 0 }, limits[1]], 10, 100n, 2000)).toBe(
      false,
    );
  });

  it('keeps a margin: a tenth of each limit and four calls of room, counting its own calls in flight until settled', () => {
    const h = new Headroom();
    h.note(scopes, figures(15, 9000, 900_000), 0);
    // 15 requests left and a margin of 10: while at least 10 are left beyond those in flight, calls go ahead.
    const ok = ['1', '2', '3', '4', '5', '6', 'x'].map((id) =>
      h.reserve(id, scopes, limits, 10, 100n, 0),
    );
    expect(ok).toEqual([true, true, true, true, true, true, false]);
    h.settled('1');
    h.settled('1');
    expect(h.reserve('7', scopes, limits, 10, 100n, 0)).toBe(true);
    // Spend: room for four worst cases is required.
    h.note(scopes, figures(90, 9000, 399), 0);
    expect(
      h.reserve('8', scopes, [{ rpm: null, tpm: null, cap: 1000n }, limits[1]], 10, 100n, 0),
    ).toBe(false);
  });

  it('forgets a scope that was refused', () => {
    const h = new Headroom();
    h.note(scopes, figures(90, 9000, 900_000), 0);
    h.forget(['o']);
    expect(h.reserve('a', scopes, limits, 10, 100n, 0)).toBe(false);
  });
});
