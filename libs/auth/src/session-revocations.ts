import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';

/**
 * Ended sessions, checked on every request carrying an access token: logout (or a replayed
 * refresh token) ends the session at once rather than when its access tokens expire. An entry
 * lives as long as an access token can, after which no token of that session is valid anyway.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.set(`session:ended:${sessionId}`, '1', 'EX', this.options.accessTokenTtl + 60);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(`session:ended:${sessionId}`)) === 1;
  }
}
