import {
  dayAfter,
  rangeDays,
  splitByMonths,
  usageQueryProblem,
  UsageQueryProblem,
} from './usage-query';

describe('usage query ranges', () => {
  it('counts both ends and crosses months and leap days', () => {
    expect(rangeDays('2026-10-01', '2026-10-01')).toBe(1);
    expect(rangeDays('2024-02-28', '2024-03-01')).toBe(3);
    expect(dayAfter('2024-02-28')).toBe('2024-02-29');
    expect(dayAfter('2026-12-31')).toBe('2027-01-01');
  });

  it('refuses reversed, too long and too fine ranges', () => {
    const q = (from: string, to: string, granularity: 'day' | 'hour' = 'day') =>
      usageQueryProblem({ from, to, granularity });
    expect(q('2026-10-02', '2026-10-01')).toBe(UsageQueryProblem.Reversed);
    expect(q('2025-01-01', '2026-01-01')).toBeNull(); // 366 days
    expect(q('2025-01-01', '2026-01-02')).toBe(UsageQueryProblem.TooLong);
    expect(q('2026-10-01', '2026-10-14', 'hour')).toBeNull();
    expect(q('2026-10-01', '2026-10-15', 'hour')).toBe(UsageQueryProblem.HourlyTooLong);
  });

  it('splits a range into whole months and the days at its edges', () => {
    expect(splitByMonths('2026-09-02', '2026-11-30')).toEqual({
      months: ['2026-10-01', '2026-11-01'],
      days: [['2026-09-02', '2026-09-30']],
    });
    expect(splitByMonths('2026-09-01', '2026-11-17')).toEqual({
      months: ['2026-09-01', '2026-10-01'],
      days: [['2026-11-01', '2026-11-17']],
    });
    expect(splitByMonths('2024-01-15', '2024-03-10')).toEqual({
      months: ['2024-02-01', '2024-02-01'],
      days: [
        ['2024-01-15', '2024-01-31'],
        ['2024-03-01', '2024-03-10'],
      ],
    });
    expect(splitByMonths('2026-11-02', '2026-11-30')).toEqual({
      months: null,
      days: [['2026-11-02', '2026-11-30']],
    });
    expect(splitByMonths('2026-12-01', '2026-12-31')).toEqual({
      months: ['2026-12-01', '2026-12-01'],
      days: [],
    });
    expect(splitByMonths('2026-10-20', '2026-11-10')).toEqual({
      months: null,
      days: [['2026-10-20', '2026-11-10']],
    });
  });
});
