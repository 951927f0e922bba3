import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyPrincipal } from '@velvet/access';
import { ApiKeysService, apiKeysChannel, decodeInvalidation, parseKey } from '@velvet/api-keys';
import { Organization, OrganizationStatus } from '@velvet/organizations';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import { Repository } from 'typeorm';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';

interface Entry {
  /** When the load that produced it started: its age bounds how stale it can be. */
  at: number;
  principal: ApiKeyPrincipal | null;
  organizationId: string | null;
  organizationActive: boolean;
}

/** Hard bound on a cached key's age: older entries are revalidated before the call goes on. */
export const KEY_MAX_STALENESS_MS = 500;
const MAX_ENTRIES = 50_000;

/**
 * API-key authentication without a query per call. Results (good and bad keys alike) are cached
 * by the key's SHA-256, and never served once older than the staleness bound (500 ms, or the
 * cache TTL if lower): an older entry is reloaded synchronously, and a busy key is refreshed
 * ahead in the background from half that age, so it never waits. On top of that bound,
 * revocations and organisation status changes arrive over Redis pub/sub and drop entries at
 * once, in every gateway process; a lost message only falls back to the bound.
 */
@Injectable()
export class KeyAuthenticator implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(KeyAuthenticator.name);
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly touched = new Map<string, number>();
  /** Bumped by every invalidation, so a load that raced with one is not cached. */
  private epoch = 0;
  private subscriber: IORedis | null = null;
  private readonly maxStaleness: number;

  constructor(
    private readonly keys: ApiKeysService,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    this.maxStaleness = Math.min(KEY_MAX_STALENESS_MS, env.GATEWAY_CACHE_TTL_MS);
  }

  async onModuleInit(): Promise<void> {
    // A subscribed connection can do nothing else: it gets its own.
    const subscriber = this.redis.duplicate({ keyPrefix: undefined, lazyConnect: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.invalidate(message));
    // Messages sent while disconnected are lost: forget everything on both edges (ioredis resubscribes itself).
    subscriber.on('close', () => this.clear());
    subscriber.on('ready', () => this.clear());
    subscriber.on('error', (error: Error) => this.logger.warn(`api-key subscriber: ${error.message}`));
    await subscriber.connect();
    await subscriber.subscribe(apiKeysChannel(this.redis.options.keyPrefix ?? ''));
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  async authenticate(authorization: string | undefined): Promise<ApiKeyPrincipal> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const parsed = token ? parseKey(token) : null;
    if (!token || !parsed) throw OpenAIError.invalidKey();
    const now = Date.now();
    let entry = this.cache.get(parsed.secretHash);
    if (!entry || now - entry.at >= this.maxStaleness) entry = await this.load(token, parsed.secretHash);
    else if (now - entry.at >= this.maxStaleness / 2) void this.load(token, parsed.secretHash).catch(() => undefined);
    if (!entry.principal) throw OpenAIError.invalidKey();
    if (!entry.organizationActive) {
      throw new OpenAIError(403, 'invalid_request_error', 'organization_disabled', 'This organisation is disabled; contact your account manager.');
    }
    this.touch(entry.principal.apiKeyId, now);
    return entry.principal;
  }

  /** A pub/sub message: `key:<id>` or `org:<id>`. Anything else drops everything (fail safe). */
  invalidate(message: string): void {
    const target = decodeInvalidation(message);
    if (!target) return this.clear();
    this.epoch++;
    // Calls arriving from now on must not join a load that may have read the old row.
    this.pending.clear();
    for (const [hash, entry] of this.cache) {
      const id = target.kind === 'key' ? entry.principal?.apiKeyId : entry.organizationId;
      if (id === target.id) this.cache.delete(hash);
    }
  }

  private clear(): void {
    this.epoch++;
    this.pending.clear();
    this.cache.clear();
  }

  private load(token: string, hash: string): Promise<Entry> {
    let p = this.pending.get(hash);
    if (!p) {
      const epoch = this.epoch;
      const mine: Promise<Entry> = this.fetch(token)
        .then((entry) => {
          if (this.epoch !== epoch) return entry;
          if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
          this.cache.set(hash, entry);
          return entry;
        })
        .finally(() => {
          if (this.pending.get(hash) === mine) this.pending.delete(hash);
        });
      this.pending.set(hash, mine);
      p = mine;
    }
    return p;
  }

  private async fetch(token: string): Promise<Entry> {
    const at = Date.now();
    let key, org;
    try {
      key = await this.keys.authenticate(token);
      if (!key) return { at, principal: null, organizationId: null, organizationActive: false };
      org = await this.organizations.findOne({ where: { id: key.organizationId }, select: ['id', 'status'] });
    } catch {
      // Fail closed: past the staleness bound a key that cannot be checked is not served.
      throw OpenAIError.unavailable('The gateway cannot verify API keys right now; retry shortly.');
    }
    return {
      at,
      organizationId: key.organizationId,
      organizationActive: org?.status === OrganizationStatus.Active,
      principal: { kind: 'api_key', apiKeyId: key.id, organizationId: key.organizationId, createdByUserId: key.createdBy },
    };
  }

  /** last_used_at bookkeeping, at most once a minute per key, off the response path. */
  private touch(apiKeyId: string, now: number): void {
    if (now - (this.touched.get(apiKeyId) ?? 0) < 60_000) return;
    this.touched.set(apiKeyId, now);
    void this.keys.touch(apiKeyId).catch(() => undefined);
  }
}
