import { limitCeiling, limitValues } from './limit-values';

describe('customer limit values', () => {
  it('takes non-negative integers, caps as exact micro-units beyond 2^53, null as no limit', () => {
    expect(
      limitValues({
        requestsPerMinute: 0,
        tokensPerMinute: null,
        spendCapMicros: '9007199254740993',
      }),
    ).toEqual({
      requestsPerMinute: 0,
      tokensPerMinute: null,
      spendCapMicros: 9_007_199_254_740_993n,
    });
    for (const bad of [
      { requestsPerMinute: -1 },
      { requestsPerMinute: 1.5 },
      { tokensPerMinute: '10' },
      { tokensPerMinute: 2 ** 31 },
      { spendCapMicros: '-1' },
      { spendCapMicros: '1e6' },
      { spendCapMicros: '9223372036854775808' },
      { spendCapMicros: 0.5 },
    ])
      expect(() => limitValues(bad)).toThrow(expect.objectContaining({ code: 'invalid_limit' }));
  });

  it('refuses a value above the ceiling, naming the field, and lets null (no own limit) pass', () => {
    const ceiling = { requestsPerMinute: 100, tokensPerMinute: null, spendCapMicros: 5n as never };
    const v = (over: object) => ({
      requestsPerMinute: null,
      tokensPerMinute: null,
      spendCapMicros: null,
      ...over,
    });
    expect(() => limitCeiling(v({ requestsPerMinute: 100 }), ceiling, 'x')).not.toThrow();
    expect(() => limitCeiling(v({ tokensPerMinute: 10 ** 9 }), ceiling, 'x')).not.toThrow();
    expect(() => limitCeiling(v({}), ceiling, 'x')).not.toThrow();
    expect(() => limitCeiling(v({ requestsPerMinute: 101 }), ceiling, 'the ceiling')).toThrow(
      'requestsPerMinute 101 exceeds the ceiling (100).',
    );
    expect(() => limitCeiling(v({ spendCapMicros: 6n }), ceiling, 'x')).toThrow(
      expect.objectContaining({ code: 'limit_above_entitlement' }),
    );
  });
});
