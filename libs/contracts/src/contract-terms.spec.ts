import { assertTermNotOver, assertTermsCurrent } from './contract-terms';

const NOW = new Date('2026-11-30T10:00:00Z');
const check = (termStart: string, termEnd: string) => () =>
  assertTermsCurrent({ termStart, termEnd }, NOW);

describe('assertTermsCurrent', () => {
  it('refuses a term that already ended, naming termEnd', () => {
    expect(check('2026-10-01', '2026-11-29')).toThrow(/termEnd 2026-11-29 is in the past/);
    expect(() => assertTermNotOver({ termEnd: '2026-11-29' }, NOW)).toThrow();
    expect(() => assertTermNotOver({ termEnd: '2026-11-30' }, NOW)).not.toThrow();
  });

  it('accepts a start from 180 days back to 365 days ahead, and no term over 10 years', () => {
    expect(check('2026-06-03', '2027-06-02')).not.toThrow();
    expect(check('2026-06-02', '2027-06-02')).toThrow(
      /termStart must be between 2026-06-03 and 2027-11-30/,
    );
    expect(check('2027-11-30', '2028-11-29')).not.toThrow();
    expect(check('2027-12-01', '2028-11-29')).toThrow(/termStart/);
    expect(check('2026-12-01', '2036-12-01')).not.toThrow();
    expect(check('2026-12-01', '2036-12-02')).toThrow(/at most 10 years/);
    expect(check('0000-01-01', '2027-01-01')).toThrow(/termStart/);
  });
});
