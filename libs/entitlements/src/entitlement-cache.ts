import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import {
  ALL_ORGANIZATIONS,
  ENTITLEMENT_CACHE_TTL_MS,
  entitlementsChannel,
} from './entitlements.constants';

interface Entry {
  ids: ReadonlySet<string>;
  loadedAt: number;
}

/**
 * Which models an organisation may call right now, for the gateway's hot path. Reads the
 * engine's materialised result, caches it in-process, and drops an organisation's entry when
 * an evaluation announces a change on Redis pub/sub (so changes reach every process within
 * the pub/sub latency, well under a second).
 */
@Injectable()
export class EntitlementCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EntitlementCache.name);
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every invalidation, so a load that raced with one is not cached. */
  private readonly generations = new Map<string, number>();
  private globalGeneration = 0;
  private subscriber: IORedis | null = null;
  private subscribed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  get channel(): string {
    return entitlementsChannel(this.redis.options.keyPrefix ?? '');
  }

  async onModuleInit(): Promise<void> {
    // A subscribed connection can do nothing else: it gets its own.
    const subscriber = this.redis.duplicate({ keyPrefix: undefined, lazyConnect: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, organizationId: string) =>
      this.invalidate(organizationId),
    );
    // Messages sent while disconnected are lost: forget everything, and refuse to cache until resubscribed.
    subscriber.on('close', () => {
      this.subscribed = false;
      this.invalidate(ALL_ORGANIZATIONS);
    });
    // ioredis resubscribes by itself after a reconnect (autoResubscribe).
    subscriber.on('ready', () => {
      this.invalidate(ALL_ORGANIZATIONS);
      this.subscribed = true;
    });
    subscriber.on('error', (error: Error) =>
      this.logger.warn(`entitlement subscriber: ${error.message}`),
    );
    await subscriber.connect();
    await subscriber.subscribe(this.channel);
    this.subscribed = true;
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  /** The model ids this organisation may call now: active non-gated models, plus active models of unlocked tiers. */
  async invokableModelIds(organizationId: string): Promise<ReadonlySet<string>> {
    const cached = this.entries.get(organizationId);
    if (cached && Date.now() - cached.loadedAt < ENTITLEMENT_CACHE_TTL_MS) return cached.ids;
    const generation = this.generationOf(organizationId);
    const ids = await this.load(organizationId);
    if (this.subscribed && this.generationOf(organizationId) === generation) {
      this.entries.set(organizationId, { ids, loadedAt: Date.now() });
    }
    return ids;
  }

  /** Drops one organisation's entry, or all of them for `*`. */
  invalidate(organizationId: string): void {
    if (organizationId === ALL_ORGANIZATIONS) {
      this.globalGeneration++;
      this.entries.clear();
      return;
    }
    this.generations.set(organizationId, (this.generations.get(organizationId) ?? 0) + 1);
    this.entries.delete(organizationId);
  }

  private generationOf(organizationId: string): string {
    return `${this.globalGeneration}:${this.generations.get(organizationId) ?? 0}`;
  }

  private async load(organizationId: string): Promise<ReadonlySet<string>> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT m.id
         FROM models m
         JOIN model_tiers t ON t.name = m.tier
         JOIN organizations o ON o.id = $1 AND o.status = 'active'
        WHERE m.status = 'active'
          AND (NOT t.gated OR EXISTS (
                SELECT 1 FROM organization_entitlements e WHERE e.organization_id = o.id AND e.tier = m.tier))`,
      [organizationId],
    );
    return new Set(rows.map((r) => r.id));
  }
}
