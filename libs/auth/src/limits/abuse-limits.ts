import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AUTH_OPTIONS, type AuthOptions } from '../auth.options';
import { RateLimiter } from './rate-limiter';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Counter keys never hold an address in clear (Redis is not a place for personal data). */
const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** The limits on the doors anyone can knock on: sign-up and login. */
@Injectable()
export class AbuseLimits {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly limiter: RateLimiter,
  ) {}

  /** Per client address, then for everyone (a botnet's sign-up wave pauses sign-ups rather than filling the database). */
  signup(clientAddress: string): Promise<void> {
    const { signupPerAddressPerHour, signupGlobalPerHour } = this.options.limits;
    return this.limiter.consume(
      {
        key: `signup:addr:${digest(clientAddress)}`,
        max: signupPerAddressPerHour,
        windowMs: HOUR,
        message: 'Too many sign-ups from your network address',
      },
      {
        key: 'signup:all',
        max: signupGlobalPerHour,
        windowMs: HOUR,
        message: 'Sign-ups are paused for a while because of unusual volume',
      },
    );
  }

  /**
   * Per client address across every account (password spraying: one password against many
   * accounts), then per address and account (guessing one account's password).
   */
  login(clientAddress: string, email: string): Promise<void> {
    const { loginPerAddressPerMinute, loginPerAccountPerMinute } = this.options.limits;
    const addr = digest(clientAddress);
    return this.limiter.consume(
      {
        key: `login:addr:${addr}`,
        max: loginPerAddressPerMinute,
        windowMs: MINUTE,
        message: 'Too many login attempts from your network address',
      },
      {
        key: `login:acct:${addr}:${digest(email.toLowerCase())}`,
        max: loginPerAccountPerMinute,
        windowMs: MINUTE,
        message: 'Too many login attempts for this account',
      },
    );
  }
}
