import fc from 'fast-check';
import { costOfTokens, formatMicros, parseMicros } from './money';

describe('money', () => {
  it('formats micros with thousands separators and cents', () => {
    expect(formatMicros(41_200_000_000n, 'USD')).toBe('41,200.00 USD');
    expect(formatMicros(1_234_567n, 'EUR')).toBe('1.23 EUR');
    expect(formatMicros(-5_000n, 'USD')).toBe('-0.01 USD');
  });

  it('rounds token costs up to a whole micro, never down', () => {
    expect(costOfTokens(1, 15_000_000n)).toBe(15n);
    expect(costOfTokens(1, 150_000n)).toBe(1n);
    expect(costOfTokens(0, 150_000n)).toBe(0n);
  });

  it('charges the sum of parts at least as much as the whole (no free tokens by splitting)', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.nat(1_000_000),
        fc.bigInt(0n, 100_000_000n),
        (a, b, price) => {
          expect(costOfTokens(a, price) + costOfTokens(b, price)).toBeGreaterThanOrEqual(
            costOfTokens(a + b, price),
          );
          expect(costOfTokens(a + b, price) * 1_000_000n).toBeGreaterThanOrEqual(
            BigInt(a + b) * price,
          );
        },
      ),
    );
  });

  it('parses only integers', () => {
    expect(parseMicros('123')).toBe(123n);
    expect(() => parseMicros('1.5')).toThrow(RangeError);
    expect(() => parseMicros(1.5)).toThrow(RangeError);
  });
});
