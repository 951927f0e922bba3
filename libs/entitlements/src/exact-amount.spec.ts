import fc from 'fast-check';
import { formatMicrosExact } from './exact-amount';

describe('formatMicrosExact', () => {
  it('shows whole cents as cents and anything finer to the micro-unit', () => {
    expect(formatMicrosExact(1_000_000n, 'USD')).toBe('1.00 USD');
    expect(formatMicrosExact(999_992n, 'USD')).toBe('0.999992 USD');
    expect(formatMicrosExact(8n, 'USD')).toBe('0.000008 USD');
    expect(formatMicrosExact(12_345_670_000n, 'USD')).toBe('12,345.67 USD');
    expect(formatMicrosExact(1_500_000n, '')).toBe('1.50');
  });

  it('property: parsing the text gives back the exact amount (nothing is rounded away)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (m) => {
        const [num] = formatMicrosExact(m, 'USD').split(' ');
        const [w, f] = num.replace(/,/g, '').split('.');
        expect(BigInt(w) * 1_000_000n + BigInt(f.padEnd(6, '0'))).toBe(m);
      }),
    );
  });
});
