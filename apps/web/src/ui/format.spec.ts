import {
  dollarsToMicros,
  formatCommitment,
  formatMicros,
  formatMicrosExact,
  formatTerm,
  formatTextRetention,
  percent,
} from './format';

describe('web money formatting (exact, BigInt)', () => {
  it('formats micro-units as dollars and cents, rounding half up, with thousands separators', () => {
    expect(formatMicros('150000000000')).toBe('$150,000.00');
    expect(formatMicros('60125')).toBe('$0.06');
    expect(formatMicros('5000')).toBe('$0.01');
    expect(formatMicros('4999')).toBe('$0.00');
    expect(formatMicros('-1234567')).toBe('-$1.23');
    expect(formatMicros('9007199254740993000000')).toBe('$9,007,199,254,740,993.00'); // beyond 2^53: no float loss
    expect(formatMicros(null)).toBe('—');
    expect(formatMicros('1000000', 'EUR')).toBe('EUR 1.00');
  });

  it('formats decisive amounts exactly: a locked threshold never reads as met', () => {
    expect(formatMicrosExact('9999999992')).toBe('$9,999.999992');
    expect(formatMicrosExact('10000000000')).toBe('$10,000.00');
    expect(formatMicrosExact('8')).toBe('$0.000008');
    expect(formatMicrosExact('-1500000', 'EUR')).toBe('-EUR 1.50');
  });

  it('parses what people type into micro-units, refusing anything else', () => {
    expect(dollarsToMicros('150,000')).toBe('150000000000');
    expect(dollarsToMicros('$0.05')).toBe('50000');
    expect(dollarsToMicros('2.123456')).toBe('2123456');
    for (const bad of ['', 'lots', '1.1234567', '-5', '1e6', '1.2.3'])
      expect(dollarsToMicros(bad)).toBeNull();
  });

  it('computes progress towards a target, capped at 100', () => {
    expect(percent('50', '200')).toBe(25);
    expect(percent('300', '200')).toBe(100);
    expect(percent('1', '0')).toBe(100);
  });

  it("formats a contract's commitment and term as the contract tables show them", () => {
    const c = { minSpendMicros: '150000000000', currency: 'USD', periodMonths: 3 };
    expect(formatCommitment(c)).toBe('$150,000.00 / 3 mo');
    expect(formatTerm({ termStart: '2026-01-01', termEnd: '2026-12-31T00:00:00Z' })).toBe(
      '2026-01-01 – 2026-12-31',
    );
  });

  it("states a contract's text-retention term", () => {
    expect(formatTextRetention(30)).toBe('Texts kept 30 days');
    expect(formatTextRetention(1)).toBe('Texts kept 1 day');
    expect(formatTextRetention(null)).toBe('Texts not kept (hashes only)');
  });
});
