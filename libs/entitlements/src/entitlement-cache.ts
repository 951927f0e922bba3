import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MODEL_TIERS_RELATION, MODELS_RELATION } from '@velvet/catalog';
import { ORGANIZATIONS_RELATION } from '@velvet/organizations';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Refusal } from './explanation.view';
import {
  ALL_ORGANIZATIONS,
  ENTITLEMENT_CACHE_TTL_MS,
  entitlementsChannel,
} from './entitlements.constants';

/** What the last load said about why calls are refused: the organisation's status and each locked tier's reason. */
interface Standing {
  organizationActive: boolean;
  refusals: Record<string, Refusal>;
  /** When the load read the organisation's status (ms since the epoch, this process's clock). */
  readAt: number;
  /** The time the last evaluation's facts (and so its reasons) are as of; 0 when none is stored. */
  evaluatedAt: number;
}

/** A refusal's reason and the time it is true as of (ms since the epoch), to tell it from a newer one. */
export interface DatedRefusal {
  refusal: Refusal;
  asOf: number;
}

const MAX_STANDINGS = 50_000;

interface Entry {
  ids: ReadonlySet<string>;
  /** The TTL, or earlier when an entitlement in it lapses (a contract's term end). */
  expiresAt: number;
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
  /**
   * From the latest load of each organisation (cached or not), so a refusal explains the very answer
   * it gives. Latest by start: two loads can end out of order, and the one that started first may
   * have read the reasons an evaluation has since replaced.
   */
  private readonly standings = new Map<string, { load: number; standing: Standing }>();
  private loadsStarted = 0;
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
    if (cached && Date.now() < cached.expiresAt) return cached.ids;
    const generation = this.generationOf(organizationId);
    const started = ++this.loadsStarted;
    const { ids, lapsesAt, standing } = await this.load(organizationId);
    const held = this.standings.get(organizationId);
    if (!held || held.load < started) {
      if (this.standings.size >= MAX_STANDINGS) this.standings.clear();
      this.standings.set(organizationId, { load: started, standing });
    }
    if (this.subscribed && this.generationOf(organizationId) === generation) {
      const expiresAt = Math.min(Date.now() + ENTITLEMENT_CACHE_TTL_MS, lapsesAt ?? Infinity);
      this.entries.set(organizationId, { ids, expiresAt });
    }
    return ids;
  }

  /**
   * Why this organisation's call to a model of `tier` is refused, as of the load that refused it:
   * the organisation disabled (as of that load), or the tier's reason from the last evaluation (as of
   * its facts). Null when unknown (for example the tier lapsed at its term end after that
   * evaluation): ask the engine then.
   */
  refusalFor(organizationId: string, tier: string, gated: boolean): DatedRefusal | null {
    const standing = this.standings.get(organizationId)?.standing;
    if (!standing) return null;
    if (!standing.organizationActive) {
      const refusal: Refusal = { code: 'organization_disabled', message: 'organisation disabled' };
      return { refusal, asOf: standing.readAt };
    }
    const refusal = gated ? standing.refusals[tier] : undefined;
    return refusal ? { refusal, asOf: standing.evaluatedAt } : null;
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

  /**
   * An entitlement past its `valid_until` (its contract's term ended) is not served, even before the
   * lifecycle sweep expires the contract: expiry bites at the end of the term, to the millisecond.
   */
  private async load(
    organizationId: string,
  ): Promise<{ ids: ReadonlySet<string>; lapsesAt: number | null; standing: Standing }> {
    // one round trip: the callable models, the organisation's status and the last evaluation's reasons
    const readAt = Date.now();
    const [row]: {
      org_status: string | null;
      refusals: Record<string, Refusal> | null;
      evaluated_ms: string | null;
      models: { id: string; lapses_at: string | null }[];
    }[] = await this.dataSource.query(
      `SELECT o.status AS org_status, ev.refusals, (extract(epoch FROM ev.evaluated_at) * 1000)::bigint::text AS evaluated_ms,
              COALESCE((
                SELECT json_agg(json_build_object('id', m.id,
                         'lapses_at', (extract(epoch FROM e.valid_until) * 1000)::bigint::text))
                  FROM ${MODELS_RELATION} m
                  JOIN ${MODEL_TIERS_RELATION} t ON t.name = m.tier
                  LEFT JOIN organization_entitlements e ON t.gated AND e.organization_id = k.id AND e.tier = m.tier
                 WHERE o.status = 'active' AND m.status = 'active'
                   AND (NOT t.gated OR (e.tier IS NOT NULL AND (e.valid_until IS NULL OR e.valid_until > now())))
              ), '[]'::json) AS models
         FROM (SELECT $1::uuid AS id) k
         LEFT JOIN ${ORGANIZATIONS_RELATION} o ON o.id = k.id
         LEFT JOIN entitlement_evaluations ev ON ev.organization_id = k.id`,
      [organizationId],
    );
    const models = row?.models ?? [];
    const lapses = models.filter((r) => r.lapses_at != null).map((r) => Number(r.lapses_at));
    return {
      ids: new Set(models.map((r) => r.id)),
      lapsesAt: lapses.length ? Math.min(...lapses) : null,
      standing: {
        organizationActive: row?.org_status === 'active',
        refusals: row?.refusals ?? {},
        readAt,
        evaluatedAt: Number(row?.evaluated_ms ?? 0),
      },
    };
  }
}
