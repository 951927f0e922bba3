import { ApiError } from '../api/client';
import { titleFor } from '../nav';
import { fillDays } from '../org/spend-days';
import { toCsv } from './download';
import { describeError } from './describe-error';

describe('web helpers (pure)', () => {
  it('quotes CSV fields with commas, quotes or line breaks and doubles quotes (RFC 4180)', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['plain', 'two\nlines'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\nplain,"two\nlines"\r\n');
  });

  it('fills every UTC day of the range with zero where nothing was spent', () => {
    const days = fillDays(
      [{ day: '2026-11-29', costMicros: '5', premiumCostMicros: '1' }],
      3,
      new Date('2026-11-30T10:00:00Z'),
    );
    expect(days.map((d) => [d.day, d.costMicros])).toEqual([
      ['2026-11-28', '0'],
      ['2026-11-29', '5'],
      ['2026-11-30', '0'],
    ]);
  });

  it('titles a page by the longest matching menu entry', () => {
    const groups = [
      {
        title: 'Org',
        links: [
          { to: '/', label: 'Dashboard' },
          { to: '/alerts', label: 'Alert cases' },
        ],
      },
    ];
    expect(titleFor(groups, '/')).toBe('Dashboard');
    expect(titleFor(groups, '/alerts/123')).toBe('Alert cases');
    expect(titleFor(groups, '/organizations/1')).toBeUndefined();
  });

  it('says what failed: unreachable, forbidden, server error, bad input', () => {
    expect(describeError(new ApiError(0, 'x', 'unreachable'), 'your profile')).toMatch(
      /Could not reach the portal API to load your profile/,
    );
    expect(describeError(new ApiError(403, 'Forbidden'))).toMatch(/Your role may not/);
    expect(describeError(new ApiError(503, 'down'), 'the spend')).toMatch(
      /portal API failed to load the spend \(HTTP 503\)/,
    );
    expect(describeError(new ApiError(400, 'days must be an integer'))).toBe(
      'days must be an integer (HTTP 400)',
    );
  });
});
