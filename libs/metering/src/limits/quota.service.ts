import { randomBytes } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Micros } from '@velvet/common';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import type { UsageRecord } from '../entities/usage-record.entity';
import { METERING_OPTIONS, METERING_REDIS, type MeteringOptions } from '../metering.options';
import { encodeUsage } from '../usage/usage.codec';
import { LimitsService, type OverrideSnapshot } from './limits.service';
import { ADMIT_LUA, SETTLE_LUA } from './quota.scripts';
import type { Admission, AdmissionRequest, AdmissionResult, LimitKind } from './quota.types';

const WINDOW_TTL_S = 120;
const MONTH_TTL_S = 40 * 24 * 3600;
const DONE_TTL_S = 48 * 3600;
/** A hold outlives the longest call (upstream timeout); a crashed gateway's holds then lapse. */
const HOLD_TTL_MS = 15 * 60_000;
/**
 * Settlements wait at most this long to ride along with the next admission: sent back to back in
 * the same tick, Redis answers them together, which saves a round trip (and a wake-up) per call.
 */
const SETTLE_DELAY_MS = 5;

type Redis = IORedis & {
  vrAdmit(...args: (string | number)[]): Promise<[number, string]>;
  vrSettle(...args: (string | number)[]): Promise<number>;
};

export type SettledUsage = Omit<UsageRecord, 'id'>;

const monthOf = (d: Date) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/** Per-organisation and per-key requests/min, tokens/min and monthly spend caps, enforced in Redis. */
@Injectable()
export class QuotaService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly redis: Redis;
  private readonly seeded = new Set<string>();
  private pending: (() => Promise<void>)[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    @Inject(METERING_REDIS) redis: IORedis,
    @Inject(METERING_OPTIONS) private readonly options: MeteringOptions,
    private readonly limits: LimitsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    redis.defineCommand('vrAdmit', { lua: ADMIT_LUA });
    redis.defineCommand('vrSettle', { lua: SETTLE_LUA });
    this.redis = redis as Redis;
  }

  async onModuleInit(): Promise<void> {
    await this.limits.watch();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flushSettlements();
    await Promise.allSettled([...this.inflight]);
  }

  async admit(req: AdmissionRequest, now = new Date()): Promise<AdmissionResult> {
    const minute = Math.floor(now.getTime() / 60_000);
    const month = monthOf(now);
    const o = this.limits.snapshot(req.organizationId, req.apiKeyId);
    const scopes = this.scopes(req.organizationId, req.apiKeyId);
    const limits = this.effective(o);
    const heldSpend = limits[0].cap !== null || limits[1].cap !== null;
    if (heldSpend) await Promise.all(scopes.map((s, i) => (limits[i].cap === null ? undefined : this.seedSpend(s, i, req, month, now))));
    const holdMember = heldSpend ? `${req.requestId}:${randomBytes(4).toString('hex')}:${req.estimatedCostMicros}` : '';
    const keys = scopes.flatMap((s) => [`${s}:r:${minute}`, `${s}:t:${minute}`, `${s}:sp:${month}`, `${s}:hz`, `${s}:hs`]);
    const argv: (string | number)[] = [now.getTime(), WINDOW_TTL_S, MONTH_TTL_S, holdMember, req.estimatedTokens];
    argv.push(req.estimatedCostMicros.toString(), now.getTime() + HOLD_TTL_MS);
    for (const l of limits) argv.push(l.rpm ?? -1, l.tpm ?? -1, l.cap === null ? -1 : l.cap.toString());
    this.flushSettlements();
    const [index, what] = await this.redis.vrAdmit(keys.length, ...keys, ...argv);
    if (index < 0) {
      return { admitted: true, admission: { ...req, minute, month, holdMember, heldSpend } };
    }
    const kind: LimitKind = what === 'requests' ? 'requests' : what === 'tokens' ? 'tokens' : 'spend';
    const l = limits[index];
    const untilNextMinute = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000));
    const untilNextMonth = Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000);
    return {
      admitted: false,
      denial: {
        scope: index === 0 ? 'organization' : 'api_key',
        kind,
        limit: String(kind === 'requests' ? l.rpm : kind === 'tokens' ? l.tpm : l.cap),
        exhausted: what !== 'spend_held',
        retryAfterSeconds: kind === 'spend' ? (what === 'spend' ? untilNextMonth : 1) : untilNextMinute,
      },
    };
  }

  /** Records the call's real usage; resolves true when counted, false for an already-counted request id. */
  async settle(admission: Admission, usage: SettledUsage): Promise<boolean> {
    const scopes = this.scopes(admission.organizationId, admission.apiKeyId);
    const keys = [`${this.options.prefix}:gw:done:${usage.requestId}`, this.streamKey()];
    for (const s of scopes) keys.push(`${s}:t:${admission.minute}`, `${s}:sp:${admission.month}`, `${s}:hz`, `${s}:hs`);
    const tokenDelta = usage.inputTokens + usage.outputTokens - admission.estimatedTokens;
    const argv = [DONE_TTL_S, MONTH_TTL_S, admission.heldSpend ? admission.holdMember : '', admission.estimatedCostMicros.toString()];
    argv.push(tokenDelta, usage.costMicros.toString(), encodeUsage(usage));
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push(() => this.redis.vrSettle(keys.length, ...keys, ...argv).then((n) => resolve(n === 1), reject));
      this.flushTimer ??= setTimeout(() => this.flushSettlements(), SETTLE_DELAY_MS);
    });
  }

  private flushSettlements(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    for (const send of batch) {
      const p = send().catch(() => undefined);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  streamKey(): string {
    return `${this.options.prefix}:gw:usage`;
  }

  private scopes(organizationId: string, apiKeyId: string): [string, string] {
    return [`${this.options.prefix}:gw:o:${organizationId}`, `${this.options.prefix}:gw:k:${apiKeyId}`];
  }

  private effective(o: OverrideSnapshot) {
    const d = this.options.defaults;
    const pick = <T>(row: T | null | undefined, fallback: T | null): T | null => (row === null || row === undefined ? fallback : row);
    return [
      {
        rpm: pick(o.organization?.requestsPerMinute, d.orgRequestsPerMinute),
        tpm: pick(o.organization?.tokensPerMinute, d.orgTokensPerMinute),
        cap: pick<Micros>(o.organization?.spendCapMicros, d.orgSpendCapMicros),
      },
      {
        rpm: pick(o.apiKey?.requestsPerMinute, d.keyRequestsPerMinute),
        tpm: pick(o.apiKey?.tokensPerMinute, d.keyTokensPerMinute),
        cap: pick<Micros>(o.apiKey?.spendCapMicros, d.keySpendCapMicros),
      },
    ];
  }

  /**
   * The month's spend counter starts from the database the first time this process sees a capped
   * scope in a month, so a Redis restart cannot reset a cap. SET NX: never overwrites live counts.
   */
  private async seedSpend(scope: string, index: number, req: AdmissionRequest, month: string, now: Date): Promise<void> {
    const key = `${scope}:sp:${month}`;
    if (this.seeded.has(key)) return;
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const params: unknown[] = [req.organizationId, from];
    let sql = `SELECT coalesce(sum(cost_micros), 0)::text AS s FROM usage_records WHERE organization_id = $1 AND occurred_at >= $2`;
    if (index === 1) {
      sql += ' AND api_key_id = $3';
      params.push(req.apiKeyId);
    }
    const [{ s }] = (await this.db.query(sql, params)) as { s: string }[];
    await this.redis.set(key, s, 'EX', MONTH_TTL_S, 'NX');
    this.seeded.add(key);
  }
}
