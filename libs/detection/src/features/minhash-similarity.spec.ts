import fc from 'fast-check';
import { confidentShare, ramp } from './minhash-similarity';

describe('confidentShare', () => {
  it('never exceeds the observed share and tightens as evidence grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, p) => {
          const hits = Math.round(p * n);
          const bound = confidentShare(hits, n);
          expect(bound).toBeGreaterThanOrEqual(0);
          expect(bound).toBeLessThanOrEqual(hits / n + 1e-12);
          expect(confidentShare(hits * 10, n * 10)).toBeGreaterThanOrEqual(bound - 1e-12);
        },
      ),
    );
  });
  it('reads five of ten as far less than a half, five hundred of a thousand as nearly a half', () => {
    expect(confidentShare(5, 10)).toBeLessThan(0.3);
    expect(confidentShare(500, 1000)).toBeGreaterThan(0.47);
    expect(confidentShare(0, 0)).toBe(0);
  });
});

describe('ramp', () => {
  it('is 0 below, 1 above and monotone between', () => {
    expect(ramp(1, 2, 4)).toBe(0);
    expect(ramp(5, 2, 4)).toBe(1);
    expect(ramp(3, 2, 4)).toBe(0.5);
    expect(ramp(Number.POSITIVE_INFINITY, 2, 4)).toBe(1);
  });
});
