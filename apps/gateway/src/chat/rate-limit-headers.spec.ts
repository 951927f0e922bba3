import { duration, rateLimitHeaders } from './call-admission';

describe("OpenAI's x-ratelimit-* headers", () => {
  it('formats reset durations as OpenAI does', () => {
    expect(duration(20)).toBe('20ms');
    expect(duration(999.2)).toBe('1000ms');
    expect(duration(1000)).toBe('1s');
    expect(duration(1520)).toBe('1.52s');
    expect(duration(360_000)).toBe('6m0s');
    expect(duration(61_500)).toBe('1m1.5s');
  });

  it('names the limit, what is left (never negative) and the reset, and omits an unlimited one', () => {
    expect(
      rateLimitHeaders({ requests: { limit: 10, remaining: 3, resetMs: 42_000 }, tokens: null }),
    ).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '42s',
    });
    expect(
      rateLimitHeaders({ requests: null, tokens: { limit: 1000, remaining: -2, resetMs: 5 } }),
    ).toEqual({
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '5ms',
    });
  });
});
