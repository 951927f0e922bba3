import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';

/** Channel on which revocations and organisation status changes are announced. Pub/sub channels are not key-prefixed. */
export const apiKeysChannel = (keyPrefix: string): string => `${keyPrefix}api-keys:invalidated`;

/** A message on the channel: one key (`key:<id>`), or every key of an organisation (`org:<id>`). */
export type KeyInvalidation = { kind: 'key' | 'org'; id: string };

export const encodeInvalidation = (m: KeyInvalidation): string => `${m.kind}:${m.id}`;

export function decodeInvalidation(message: string): KeyInvalidation | null {
  const [kind, id] = message.split(':', 2);
  return (kind === 'key' || kind === 'org') && id ? { kind, id } : null;
}

/**
 * Tells every gateway process to forget a key (revoked) or an organisation's keys (disabled,
 * re-enabled) at once. Best effort: the database stays the truth, and the gateway never serves a
 * cached key older than its staleness bound, so a lost message delays the change by under a second.
 */
@Injectable()
export class KeyInvalidations {
  private readonly logger = new Logger(KeyInvalidations.name);

  /** Redis is absent only in CLI scripts, which have no gateway to tell. */
  constructor(@Optional() @Inject(REDIS) private readonly redis?: IORedis) {}

  key(apiKeyId: string): Promise<void> {
    return this.publish({ kind: 'key', id: apiKeyId });
  }

  organization(organizationId: string): Promise<void> {
    return this.publish({ kind: 'org', id: organizationId });
  }

  private async publish(message: KeyInvalidation): Promise<void> {
    if (!this.redis) return;
    try {
      await this.redis.publish(
        apiKeysChannel(this.redis.options.keyPrefix ?? ''),
        encodeInvalidation(message),
      );
    } catch (error) {
      this.logger.warn(
        `key invalidation not announced (${message.kind}); gateways drop it within their staleness bound: ${(error as Error).message}`,
      );
    }
  }
}
