import { Inject, Injectable } from '@nestjs/common';
import { DomainErrorKind, DomainException } from '@velvet/common';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';

// one round trip, atomic: the first hit of a window sets its expiry
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export interface Limit {
  /** e.g. `signup:ip:127.0.0.1` */
  key: string;
  max: number;
  windowMs: number;
  /** What the caller reads in the 429, e.g. 'Too many sign-ups from your network address'. */
  message: string;
}

export class RateLimitedException extends DomainException {
  constructor(message: string, retryAfterSeconds: number) {
    super(
      DomainErrorKind.RateLimited,
      'rate_limited',
      `${message}; try again in ${retryAfterSeconds} s`,
      {
        retryAfterSeconds,
      },
    );
  }
}

/**
 * Fixed-window counters in Redis, shared by every portal process (an in-memory throttler would
 * multiply the limit by the number of processes). Each limit is counted only once the ones
 * before it passed, so a caller refused per address does not use up the global allowance.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS) private readonly redis: IORedis) {}

  async consume(...limits: Limit[]): Promise<void> {
    for (const limit of limits) {
      const [count, ttl] = (await this.redis.eval(
        HIT,
        1,
        `limit:${limit.key}`,
        limit.windowMs,
      )) as [number, number];
      if (count > limit.max)
        throw new RateLimitedException(limit.message, Math.max(1, Math.ceil(ttl / 1000)));
    }
  }
}
