import { Inject, Injectable, Logger, type OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainErrorKind, DomainException, type Micros, TablesFingerprint } from '@velvet/common';
import { layoutOf, REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import { Repository } from 'typeorm';
import { CustomerLimit } from '../entities/customer-limit.entity';
import { RateLimit } from '../entities/rate-limit.entity';
import {
  CUSTOMER_LIMITS_CHANGED,
  encodeLimitChange,
  type LimitChange,
  limitChangesChannel,
  loosens,
  rateStateKeys,
  teamRateStateKeys,
} from './limit-changes';

export interface LimitOverrideInput {
  organizationId: string;
  /** Absent: the override applies to the whole organisation. */
  apiKeyId?: string | null;
  /** Undefined keeps the current value; null goes back to the gateway default. */
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  spendCapMicros?: Micros | null;
  reason: string;
  actorUserId: string | null;
}

export interface ClearOverrideInput {
  organizationId: string;
  apiKeyId?: string | null;
  reason?: string;
  actorUserId?: string | null;
}

/** The override rows the gateway reads on its hot path, from an in-process snapshot. */
export interface OverrideSnapshot {
  organization?: RateLimit;
  apiKey?: RateLimit;
  /** What the org admin set (customer_limits), per level. */
  customer?: { organization?: CustomerLimit; team?: CustomerLimit; apiKey?: CustomerLimit };
}

const REFRESH_MS = 1000;

/**
 * Limit overrides per organisation or key. Writes go to PostgreSQL; gateways keep a snapshot of
 * all rows (overrides are few) checked every second (the tables' fingerprint, the rows read again
 * only when it changed), so a throttle set by the detection engine takes effect within about a
 * second without a query per call; the writer's announcement (limit-changes.ts) applies it at once.
 */
@Injectable()
export class LimitsService implements OnModuleDestroy {
  private byOrg = new Map<string, RateLimit>();
  private byKey = new Map<string, RateLimit>();
  /** Customer limits by `o:<org>`, `t:<team>`, `k:<key>`. */
  private customer = new Map<string, CustomerLimit>();
  private timer: NodeJS.Timeout | null = null;
  /** When the snapshot last loaded; a failing refresh keeps serving the previous one, which then ages. */
  private refreshedAt: number | null = null;
  private readonly logger = new Logger('LimitsService');
  /** Changes announced while a refresh's query runs: re-applied to its result (it may predate them). */
  private readonly duringRefresh = new Set<LimitChange[]>();
  private readonly fingerprint: TablesFingerprint;

  constructor(
    @InjectRepository(RateLimit) private readonly rows: Repository<RateLimit>,
    @Optional()
    @InjectRepository(CustomerLimit)
    private readonly customerRows?: Repository<CustomerLimit>,
    // the app's shared Redis (QueueModule); absent where no gateway needs telling
    @Optional() @Inject(REDIS) private readonly redis?: IORedis,
  ) {
    this.fingerprint = new TablesFingerprint(customerRows ? [rows, customerRows] : [rows]);
  }

  async setOverride(input: LimitOverrideInput): Promise<RateLimit> {
    this.validate(input);
    const apiKeyId = input.apiKeyId ?? null;
    const existing = await this.find(input.organizationId, apiKeyId);
    const before = existing && {
      requestsPerMinute: existing.requestsPerMinute,
      tokensPerMinute: existing.tokensPerMinute,
    };
    const row = existing ?? this.rows.create({ organizationId: input.organizationId, apiKeyId });
    if (input.requestsPerMinute !== undefined) row.requestsPerMinute = input.requestsPerMinute;
    if (input.tokensPerMinute !== undefined) row.tokensPerMinute = input.tokensPerMinute;
    if (input.spendCapMicros !== undefined) row.spendCapMicros = input.spendCapMicros;
    row.reason = input.reason;
    row.actorUserId = input.actorUserId;
    const saved = await this.rows.save(row);
    await this.announce(
      { organizationId: input.organizationId, apiKeyId, override: saved },
      loosens(before, saved),
    );
    await this.refreshIfWatching();
    return saved;
  }

  /** Clearing an override that does not exist is not an error (retries are harmless). */
  async clearOverride(input: ClearOverrideInput): Promise<void> {
    const apiKeyId = input.apiKeyId ?? null;
    const existing = await this.find(input.organizationId, apiKeyId);
    if (existing) {
      await this.rows.delete({ id: existing.id });
      await this.announce({ organizationId: input.organizationId, apiKeyId, override: null }, true);
    }
    await this.refreshIfWatching();
  }

  listOverrides(organizationId: string): Promise<RateLimit[]> {
    return this.rows.find({ where: { organizationId }, order: { createdAt: 'ASC' } });
  }

  /** For the gateway: starts the periodic snapshot refresh (other processes never pay for it). */
  async watch(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(
      () =>
        void this.refresh().catch((error: Error) => {
          this.logger.warn(`limit overrides refresh failed: ${error.message}`);
        }),
      REFRESH_MS,
    ).unref();
  }

  /** How old the gateway's override snapshot is (null before the first load), for /health. */
  snapshotAgeMs(now = Date.now()): number | null {
    return this.refreshedAt === null ? null : now - this.refreshedAt;
  }

  snapshot(organizationId: string, apiKeyId: string, teamId?: string | null): OverrideSnapshot {
    const apiKey = this.byKey.get(apiKeyId);
    // A key or team row only counts for the organisation that owns the key.
    const own = <T extends { organizationId: string }>(row: T | undefined) =>
      row && row.organizationId === organizationId ? row : undefined;
    return {
      organization: this.byOrg.get(organizationId),
      apiKey: own(apiKey),
      customer: {
        organization: this.customer.get(`o:${organizationId}`),
        team: teamId ? own(this.customer.get(`t:${teamId}`)) : undefined,
        apiKey: own(this.customer.get(`k:${apiKeyId}`)),
      },
    };
  }

  /**
   * Customer limits were written (CustomerLimitsService): tells the gateways, which re-read them
   * at once; a loosened limit also forgives the rate state paid for at the old price.
   */
  /**
   * Customer limits changed: gateways re-read them at once; `forgive` names the scopes (one
   * organisation's: one slot on a cluster) whose limit loosened, so counts kept under the tighter limit go.
   */
  async announceCustomerChange(
    organizationId: string,
    forgive: { apiKeyId?: string | null; teamId?: string | null }[],
  ): Promise<void> {
    if (!this.redis) return;
    try {
      const layout = layoutOf(this.redis);
      const keys = forgive.flatMap((t) =>
        t.teamId
          ? teamRateStateKeys(organizationId, t.teamId, layout)
          : rateStateKeys(organizationId, t.apiKeyId ?? null, layout),
      );
      if (keys.length) await this.redis.del(...keys);
      await this.redis.publish(
        limitChangesChannel(this.redis.options.keyPrefix ?? ''),
        CUSTOMER_LIMITS_CHANGED,
      );
    } catch (error) {
      this.logger.warn(`customer limit change not announced: ${(error as Error).message}`);
    }
    await this.refreshIfWatching();
  }

  async refresh(): Promise<void> {
    const checkedAt = Date.now();
    await this.fingerprint.loadIfChanged(() => this.load());
    this.refreshedAt = checkedAt;
  }

  private async load(): Promise<void> {
    const during: LimitChange[] = [];
    this.duringRefresh.add(during);
    let all: RateLimit[];
    let customer: CustomerLimit[];
    try {
      [all, customer] = await Promise.all([
        this.rows.find(),
        this.customerRows ? this.customerRows.find() : [],
      ]);
    } finally {
      this.duringRefresh.delete(during);
    }
    const byOrg = new Map<string, RateLimit>();
    const byKey = new Map<string, RateLimit>();
    for (const row of all) {
      if (row.apiKeyId) byKey.set(row.apiKeyId, row);
      else byOrg.set(row.organizationId, row);
    }
    for (const change of during) patch(byOrg, byKey, change);
    this.byOrg = byOrg;
    this.byKey = byKey;
    this.customer = new Map(
      customer.map((c) => [
        c.apiKeyId ? `k:${c.apiKeyId}` : c.teamId ? `t:${c.teamId}` : `o:${c.organizationId}`,
        c,
      ]),
    );
  }

  /**
   * A change announced by the process that wrote it (limit-changes.ts), applied to the snapshot at
   * once, synchronously: the next call is judged by it.
   */
  apply(change: LimitChange): void {
    patch(this.byOrg, this.byKey, change);
    for (const during of this.duringRefresh) during.push(change);
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Tells the gateways before the caller is answered; a loosened limit also forgives the rate state
   * paid for at the old limit's price. Failures are logged: the gateways' refresh catches up within a second.
   */
  private async announce(change: LimitChange, loosened: boolean): Promise<void> {
    if (!this.redis) return;
    try {
      if (loosened) {
        const keys = rateStateKeys(change.organizationId, change.apiKeyId, layoutOf(this.redis));
        await this.redis.del(...keys);
      }
      await this.redis.publish(
        limitChangesChannel(this.redis.options.keyPrefix ?? ''),
        encodeLimitChange(change),
      );
    } catch (error) {
      this.logger.warn(`limit change not announced: ${(error as Error).message}`);
    }
  }

  private async refreshIfWatching(): Promise<void> {
    if (this.timer) await this.refresh();
  }

  private find(organizationId: string, apiKeyId: string | null): Promise<RateLimit | null> {
    return apiKeyId
      ? this.rows.findOne({ where: { organizationId, apiKeyId } })
      : this.rows
          .createQueryBuilder('r')
          .where('r.organization_id = :organizationId AND r.api_key_id IS NULL', { organizationId })
          .getOne();
  }

  private validate(input: LimitOverrideInput): void {
    const bad = (field: string) => {
      throw new DomainException(
        DomainErrorKind.Invalid,
        'invalid_limit',
        `${field} must be a non-negative integer or null`,
      );
    };
    for (const field of ['requestsPerMinute', 'tokensPerMinute'] as const) {
      const v = input[field];
      if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || v < 0 || v > 2_147_483_647))
        bad(field);
    }
    if (
      input.spendCapMicros !== undefined &&
      input.spendCapMicros !== null &&
      input.spendCapMicros < 0n
    )
      bad('spendCapMicros');
    if (!input.reason?.trim() || input.reason.length > 500) {
      throw new DomainException(
        DomainErrorKind.Invalid,
        'invalid_limit',
        'a reason (1-500 characters) is required',
      );
    }
  }
}

function patch(
  byOrg: Map<string, RateLimit>,
  byKey: Map<string, RateLimit>,
  change: LimitChange,
): void {
  const { organizationId, apiKeyId, override } = change;
  const map = apiKeyId ? byKey : byOrg;
  const id = apiKeyId ?? organizationId;
  if (!override) map.delete(id);
  else map.set(id, { ...map.get(id), organizationId, apiKeyId, ...override } as RateLimit);
}
