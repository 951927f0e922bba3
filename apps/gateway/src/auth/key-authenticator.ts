import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
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
  /** When the last query that found this live key still valid started (its load, or a poll). */
  verifiedAt: number;
  /** When a call last presented it: only keys in use are polled. */
  usedAt: number;
  principal: ApiKeyPrincipal | null;
  organizationId: string | null;
  organizationActive: boolean;
  /** When the presented secret stops working (expiry, end of a rotation's grace); null: never. */
  validUntil: number | null;
}

/** Hard bound on how old a cached verdict may be: older ones are revalidated before the call goes on. */
export const KEY_MAX_STALENESS_MS = 500;
/** A live key's entry is reloaded after this long whatever the polls say (they only look for revocations). */
const LIVE_ENTRY_MAX_AGE_MS = 60_000;
/**
 * Polls check the keys presented this recently; a key idle longer is verified again by its next
 * call's own query (as any entry past the bound is), so an idle gateway queries nothing.
 */
const POLLED_WHILE_USED_MS = 10_000;
const MAX_ENTRIES = 50_000;

/**
 * API-key authentication without a query per call. Results (good and bad keys alike) are cached
 * by the key's SHA-256, and a verdict is never served once older than the staleness bound (500 ms,
 * or the cache TTL if lower); past it, the key is reloaded synchronously before the call goes on.
 * Live keys in use stay fresh without a query each: every half-bound one query checks all the live
 * keys this process holds and saw in the last 10 s for revocation, expiry and a disabled
 * organisation, and a verdict counts as checked as of that poll. On top of that, revocations and
 * organisation status changes arrive over Redis pub/sub and drop entries at once, in every gateway
 * process; a lost message only falls back to the poll, and a failing poll to synchronous reloads
 * (or a 503: fail closed).
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
  private polling = false;
  private timer: NodeJS.Timeout | null = null;

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
    subscriber.on('error', (error: Error) =>
      this.logger.warn(`api-key subscriber: ${error.message}`),
    );
    await subscriber.connect();
    await subscriber.subscribe(apiKeysChannel(this.redis.options.keyPrefix ?? ''));
    this.timer = setInterval(() => void this.poll(), this.maxStaleness / 2).unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  async authenticate(authorization: string | undefined): Promise<ApiKeyPrincipal> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const parsed = token ? parseKey(token) : null;
    if (!token || !parsed) throw OpenAIError.invalidKey();
    const now = Date.now();
    let entry = this.cache.get(parsed.secretHash);
    if (!entry || !this.fresh(entry, now)) entry = await this.load(token, parsed.secretHash);
    if (!entry.principal || (entry.validUntil !== null && entry.validUntil <= now))
      throw OpenAIError.invalidKey();
    if (!entry.organizationActive) {
      throw new OpenAIError(
        403,
        'invalid_request_error',
        'organization_disabled',
        'This organisation is disabled; contact your account manager.',
      );
    }
    entry.usedAt = now;
    this.touch(entry.principal.apiKeyId, now);
    return entry.principal;
  }

  /** A verdict may be served while it, or the last poll that checked it, is younger than the bound. */
  private fresh(entry: Entry, now: number): boolean {
    return now - entry.verifiedAt < this.maxStaleness && now - entry.at < LIVE_ENTRY_MAX_AGE_MS;
  }

  /**
   * One query for every live key held here and in use (presented in the last 10 s): drops those
   * revoked, expired or whose organisation is no longer active, and marks the others checked as of
   * the poll's start; none while nothing is in use. Skipped while the previous one runs; after a
   * failure entries age, and fall back to synchronous reloads.
   */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const startedAt = Date.now();
    try {
      const live: Entry[] = [];
      for (const [hash, e] of this.cache) {
        if (startedAt - e.at >= LIVE_ENTRY_MAX_AGE_MS)
          this.cache.delete(hash); // reloaded on its next call anyway
        else if (e.principal && e.organizationActive && startedAt - e.usedAt < POLLED_WHILE_USED_MS)
          live.push(e);
      }
      if (!live.length) return;
      const ids = new Set(live.map((e) => e.principal!.apiKeyId));
      const gone: { id: string }[] = await this.organizations.query(
        `SELECT k.id::text AS id
           FROM api_keys k JOIN organizations o ON o.id = k.organization_id
          WHERE k.id = ANY($1::uuid[])
            AND (k.revoked_at IS NOT NULL OR k.expires_at <= now() OR o.status <> 'active')`,
        [[...ids]],
      );
      const revoked = new Set(gone.map((g) => g.id));
      for (const id of revoked) this.invalidate(`key:${id}`);
      for (const e of live)
        if (!revoked.has(e.principal!.apiKeyId)) e.verifiedAt = Math.max(e.verifiedAt, startedAt);
    } catch (error) {
      this.logger.warn(`api-key revocation poll failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
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
      key = await this.keys.authenticatePresented(token);
      if (!key)
        return {
          at,
          verifiedAt: at,
          usedAt: at,
          principal: null,
          organizationId: null,
          organizationActive: false,
          validUntil: null,
        };
      org = await this.organizations.findOne({
        where: { id: key.apiKey.organizationId },
        select: ['id', 'status'],
      });
    } catch {
      // Fail closed: past the staleness bound a key that cannot be checked is not served.
      throw OpenAIError.unavailable('The gateway cannot verify API keys right now; retry shortly.');
    }
    const { apiKey, validUntil } = key;
    return {
      at,
      verifiedAt: at,
      usedAt: at,
      organizationId: apiKey.organizationId,
      organizationActive: org?.status === OrganizationStatus.Active,
      validUntil: validUntil?.getTime() ?? null,
      principal: {
        kind: 'api_key',
        apiKeyId: apiKey.id,
        organizationId: apiKey.organizationId,
        createdByUserId: apiKey.createdBy,
        teamId: apiKey.teamId,
        allowedModelIds: apiKey.allowedModelIds,
      },
    };
  }

  /** last_used_at bookkeeping, at most once a minute per key, off the response path. */
  private touch(apiKeyId: string, now: number): void {
    if (now - (this.touched.get(apiKeyId) ?? 0) < 60_000) return;
    this.touched.set(apiKeyId, now);
    void this.keys.touch(apiKeyId).catch(() => undefined);
  }
}
