import fc from 'fast-check';
import { findHostileInput, findOutOfRange, isoDateProblem, MAX_JSON_DEPTH } from './hostile-input';

describe('hostile input', () => {
  it('names the field holding a NUL or an unpaired surrogate, and accepts paired ones', () => {
    expect(findHostileInput({ a: { b: ['ok', 'x\u0000y'] } }, 'body')).toBe(
      'a.b[1] must not contain a NUL character',
    );
    expect(findHostileInput({ email: 'a\ud800@b.example' }, 'body')).toMatch(
      /^email must be valid Unicode/,
    );
    expect(findHostileInput({ email: 'a\udc00' }, 'body')).toMatch(/^email must be valid Unicode/);
    expect(findHostileInput({ name: 'emoji \ud83d\ude00 fine' }, 'body')).toBeNull();
    expect(findHostileInput('a\u0000', 'orgId')).toBe('orgId must not contain a NUL character');
  });

  it('refuses nesting deeper than the limit without recursing', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findHostileInput({ name: deep }, 'body')).toMatch(
      `is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
    let shallow: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) shallow = [shallow];
    expect(findHostileInput(shallow, 'body')).toBeNull();
  });

  it('refuses ISO dates outside 0001..9999 or not on the calendar, and no other text', () => {
    expect(isoDateProblem('0000-01-01')).toMatch(/between 0001-01-01 and 9999-12-31/);
    expect(isoDateProblem('-271821-04-20T00:00:00.000Z')).toMatch(/between/);
    expect(isoDateProblem('+275760-09-13T00:00:00.000Z')).toMatch(/between/);
    expect(isoDateProblem('2026-02-30')).toBe('must be a real calendar date');
    expect(isoDateProblem('2024-02-29')).toBeNull();
    expect(isoDateProblem('2026-11-30T10:20:00Z')).toBeNull();
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (d) => {
          expect(isoDateProblem(d.toISOString())).toBeNull();
          expect(findOutOfRange({ at: d }, 'query')).toBeNull();
        },
      ),
    );
  });

  it('refuses numbers beyond 2^53 and dates beyond the range, naming the field', () => {
    expect(findOutOfRange({ offset: 2 ** 63 }, 'query')).toBe('offset is out of range');
    expect(findOutOfRange({ n: Infinity }, 'body')).toBe('n is out of range');
    expect(findOutOfRange({ from: new Date(-8.64e15) }, 'query')).toMatch(
      /^from must be a date between/,
    );
    expect(findOutOfRange({ limit: 50, offset: 0 }, 'query')).toBeNull();
  });
});
