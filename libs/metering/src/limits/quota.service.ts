import { randomBytes, randomUUID } from 'node:crypto';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEYS_RELATION } from '@velvet/api-keys';
import {
  gatewayAuditStream,
  gatewayUsageStream,
  layoutOf,
  shardIndexes,
  shardOf,
  shardStream,
  shardTag,
  type ShardLayout,
} from '@velvet/queue';
import type { Micros } from '@velvet/common';
import { traceparentReader } from '@velvet/telemetry';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { METERING_OPTIONS, METERING_REDIS, type MeteringOptions } from '../metering.options';
import { encodeUsage } from '../usage/usage.codec';
import { LimitsService, type OverrideSnapshot } from './limits.service';
import { type ScopeLevel, scopeName } from './limit-changes';
import { Headroom } from './headroom';
import {
  ADMIT_FINISH_LUA,
  BEGIN_LUA,
  CHECKPOINT_LUA,
  FIGURES_PER_SCOPE,
  FINISH_LUA,
  WINDOW_MS,
} from './quota.scripts';
import type {
  Admission,
  AdmissionRequest,
  AdmitFinishResult,
  BeginResult,
  CallBegin,
  CallFinish,
  Denial,
  LimitKind,
  LimitScope,
  OrphanCall,
  RateLimitState,
} from './quota.types';

const MONTH_TTL_S = 40 * 24 * 3600;
const DONE_TTL_S = 48 * 3600;
/**
 * A call admitted and finished in one step has no started record and no reaper: its done marker
 * only has to outlive the finish's own retries (FINISH_WAIT_MS, then the last attempt's reply).
 */
const ONE_STEP_DONE_TTL_S = 600;
/** Stripe's and OpenAI's window: an Idempotency-Key and its response are kept for 24 hours. */
export const IDEMPOTENCY_TTL_S = 24 * 3600;
/** A hold outlives the longest call (upstream timeout); a hold nobody finished or reaped then lapses. */
const HOLD_TTL_MS = 15 * 60_000;
/** A gateway process is alive while its heartbeat key exists; refreshed every second. */
const HEARTBEAT_TTL_MS = 5000;
const HEARTBEAT_EVERY_MS = 1000;
/**
 * How long a client waits for its call's finish while Redis is away: a restart is ~1 s of downtime,
 * then loading the append-only file ("LOADING") can take seconds more on a busy machine (3 s was
 * measured too short in the fault test).
 */
const FINISH_WAIT_MS = 10_000;
/** Finishes Redis refused are retried with this backoff, without limit: a usage record is never dropped. */
const RETRY_MS = [100, 250, 500, 1000, 2000];

type Redis = IORedis & {
  vrBegin(...args: (string | number)[]): Promise<(string | number)[]>;
  vrCheckpoint(...args: (string | number)[]): Promise<number>;
  vrFinish(...args: (string | number)[]): Promise<number>;
  vrAdmitFinish(...args: (string | number)[]): Promise<(string | number)[]>;
};

/** `already`: this process had finished it (a retry after a lost reply); `gone`: finished by a reaper. */
export type FinishResult = 'finished' | 'already' | 'gone' | 'alive';

const monthOf = (d: Date) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const HARD: ReadonlySet<LimitKind> = new Set(['spend', 'too_large', 'blocked']);

interface StoredRecord {
  a: Omit<Admission, 'estimatedCostMicros'> & { estimatedCostMicros: string };
  c: string;
}

/**
 * Per-organisation and per-key requests/min and tokens/min (GCRA) and monthly spend caps, the
 * idempotency records and the started-call records, all in Redis. A call is begun in one round
 * trip (idempotency claim + limits + started record) and finished in one (settlement + usage
 * record + audit record + idempotency response), each atomic (quota.scripts.ts).
 */
@Injectable()
export class QuotaService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(QuotaService.name);
  private readonly redis: Redis;
  private readonly seeded = new Set<string>();
  /** This process, as the owner of the calls it begins. */
  readonly owner: string = randomUUID();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly retrying = new Set<Promise<void>>();
  private stopping = false;
  private readonly headroom = new Headroom();
  /** Hash-tag shards of the keys (one untagged shard on a single Redis): queue/src/shards.ts. */
  private readonly layout: ShardLayout;
  /** The usage and audit stream of each shard, named once (they are on every call's path). */
  private readonly usageStreams: string[];
  private readonly auditStreams: string[];
  /**
   * A connection closed for good (`end`: closed on purpose, or ioredis gave up reconnecting) takes
   * no command again: waiting for it only keeps a client waiting for the 503 it will get anyway.
   */
  private readonly closedForGood = (): boolean => this.redis.status === 'end';
  /** The active trace context, for the audit entry; null when tracing is off (no argument added). */
  private readonly traceparent = traceparentReader();

  constructor(
    @Inject(METERING_REDIS) redis: IORedis,
    @Inject(METERING_OPTIONS) private readonly options: MeteringOptions,
    private readonly limits: LimitsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    redis.defineCommand('vrBegin', { lua: BEGIN_LUA });
    redis.defineCommand('vrCheckpoint', { lua: CHECKPOINT_LUA });
    redis.defineCommand('vrFinish', { lua: FINISH_LUA });
    redis.defineCommand('vrAdmitFinish', { lua: ADMIT_FINISH_LUA });
    this.redis = redis as Redis;
    this.layout = layoutOf(redis);
    const shards = shardIndexes(this.layout);
    this.usageStreams = shards.map((k) =>
      shardStream(this.layout, gatewayUsageStream(this.options.prefix), k),
    );
    this.auditStreams = shards.map((k) =>
      shardStream(this.layout, gatewayAuditStream(this.options.prefix), k),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.limits.watch();
    await this.beat().catch(() => undefined);
    this.heartbeat = setInterval(
      () => void this.beat().catch(() => undefined),
      HEARTBEAT_EVERY_MS,
    ).unref();
  }

  onModuleDestroy(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /** Waits (bounded) for finishes still being retried; whatever is left is finished by a reaper from its started record. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.race([
      Promise.allSettled([...this.retrying]),
      new Promise((r) => setTimeout(r, 3000).unref()),
    ]);
  }

  /**
   * SET, or under maxmemory (SET refused) at least PEXPIRE: a live gateway must not look dead. One
   * key per shard, so a finish (whose keys share its organisation's slot) can see it.
   */
  private async beat(): Promise<void> {
    await Promise.all(
      shardIndexes(this.layout).map((k) => {
        const key = this.aliveKey(this.tagOfShard(k), this.owner);
        return this.redis
          .set(key, '1', 'PX', HEARTBEAT_TTL_MS)
          .catch(() => this.redis.pexpire(key, HEARTBEAT_TTL_MS));
      }),
    );
  }

  async begin(req: CallBegin, now = new Date()): Promise<BeginResult> {
    const month = monthOf(now);
    const scopes = this.scopes(req);
    const t = this.tagOf(req.organizationId);
    const limits = this.limitsOf(req);
    const heldSpend = limits.some((l) => l.cap !== null);
    const seeding = this.seedSpends(scopes, limits, req, month, now);
    if (seeding) await seeding;
    const holdMember = heldSpend
      ? `${req.requestId}:${randomBytes(4).toString('hex')}:${req.estimatedCostMicros}`
      : '';
    const admission: Admission = {
      organizationId: req.organizationId,
      apiKeyId: req.apiKeyId,
      teamId: req.teamId ?? null,
      requestId: req.requestId,
      month,
      holdMember,
      estimatedTokens: req.estimatedTokens,
      estimatedCostMicros: req.estimatedCostMicros,
      heldSpend,
      msPerToken: limits.map((l) => perToken(l.tpm)),
      idempotencyKey: req.idempotency ? this.idemKey(t, req.idempotency.key) : null,
    };
    const stored: StoredRecord = {
      a: { ...admission, estimatedCostMicros: admission.estimatedCostMicros.toString() },
      c: req.record,
    };
    const keys = [
      admission.idempotencyKey ?? this.idemKey(t, '-'),
      this.callKey(t, req.requestId),
      this.outKey(t, req.requestId),
      this.indexKey(t),
    ];
    pushScopeKeys(keys, scopes, month);
    const argv: (string | number)[] = [
      now.getTime(),
      MONTH_TTL_S,
      holdMember,
      req.estimatedTokens,
      req.estimatedCostMicros.toString(),
    ];
    argv.push(
      now.getTime() + HOLD_TTL_MS,
      req.idempotency ? 1 : 0,
      req.idempotency?.bodyHash ?? '',
      IDEMPOTENCY_TTL_S,
    );
    argv.push(req.requestId, this.owner, JSON.stringify(stored), req.delivered ?? '');
    pushLimitArgs(argv, limits);
    const res = await this.redis.vrBegin(keys.length, ...keys, ...argv);
    switch (res[0]) {
      case 'ok':
        return { kind: 'admitted', admission, limits: this.admitted(scopes, limits, res) };
      case 'replay':
        return { kind: 'replay', stored: String(res[1]) };
      case 'in_use':
        return { kind: 'in_use' };
      case 'reused':
        return { kind: 'reused' };
    }
    return { kind: 'denied', denial: this.denied(req, scopes, limits, res) };
  }

  /**
   * Whether a call is clearly within its limits by what the last answers said (per process, at
   * most a second old, less this process's one-step calls in flight): such a call may run its
   * upstream call first and then be admitted and finished in one round trip (`admitAndFinish`,
   * which must follow). A guess only; the script decides. Never while Redis is not connected: a
   * call that cannot begin is refused at once, before its upstream call.
   */
  clearlyWithin(req: AdmissionRequest): boolean {
    if (this.redis.status !== 'ready') return false;
    return this.headroom.reserve(
      req.requestId,
      this.scopes(req),
      this.limitsOf(req),
      req.estimatedTokens,
      req.estimatedCostMicros,
    );
  }

  /**
   * A plain call admitted and finished in one atomic step, after its upstream answered: limits as
   * `begin` (worst case), then spend, usage record and audit entry as `finish`. Denied: nothing is
   * recorded. 'already': this owner's earlier attempt was applied (its reply lost). Rejects when
   * Redis refuses it.
   */
  async admitAndFinish(
    req: AdmissionRequest,
    f: CallFinish,
    now = new Date(),
  ): Promise<AdmitFinishResult> {
    const month = monthOf(now);
    const scopes = this.scopes(req);
    const limits = this.limitsOf(req);
    // (no await when nothing needs seeding: the script goes out in this tick, and the caller's
    // work after this call, e.g. a receipt's signature, overlaps its round trip)
    const seeding = this.seedSpends(scopes, limits, req, month, now);
    if (seeding) await seeding;
    const shard = shardOf(this.layout, req.organizationId);
    const keys = [
      this.doneKey(this.tagOfShard(shard), req.requestId),
      this.streamKey(shard),
      this.auditStreamKey(shard),
    ];
    pushScopeKeys(keys, scopes, month);
    const u = f.usage;
    const argv: (string | number)[] = [
      now.getTime(),
      MONTH_TTL_S,
      req.estimatedTokens,
      req.estimatedCostMicros.toString(),
      u.inputTokens + u.outputTokens,
    ];
    argv.push(
      this.owner,
      ONE_STEP_DONE_TTL_S,
      u.costMicros.toString(),
      encodeUsage(u),
      f.audit ?? '',
    );
    pushLimitArgs(argv, limits);
    if (this.traceparent) this.carryTrace(argv);
    let res: (string | number)[];
    try {
      res = await this.redis.vrAdmitFinish(keys.length, ...keys, ...argv);
    } finally {
      this.headroom.settled(req.requestId);
    }
    if (res[0] === 'ok') return { kind: 'finished', limits: this.admitted(scopes, limits, res) };
    if (res[0] === 'already') return { kind: 'already' };
    return { kind: 'denied', denial: this.denied(req, scopes, limits, res) };
  }

  /** `admitAndFinish` retried for up to `withinMs` while its client waits (as `finishWithin`). */
  admitAndFinishWithin(
    req: AdmissionRequest,
    f: CallFinish,
    withinMs = FINISH_WAIT_MS,
  ): Promise<AdmitFinishResult> {
    return retryWithin(() => this.admitAndFinish(req, f), withinMs, this.closedForGood);
  }

  private limitsOf(req: AdmissionRequest) {
    return this.effective(
      this.limits.snapshot(req.organizationId, req.apiKeyId, req.teamId),
      !!req.teamId,
    );
  }

  /** The spend counters this call's caps need and Redis may not have yet; null when there are none. */
  private seedSpends(
    scopes: string[],
    limits: ReturnType<QuotaService['effective']>,
    req: AdmissionRequest,
    month: string,
    now: Date,
  ): Promise<unknown> | null {
    let levels: LimitScope[] | null = null;
    let pending: Promise<void>[] | null = null;
    scopes.forEach((s, i) => {
      if (limits[i].cap === null || this.seeded.has(`${s}:sp:${month}`)) return;
      levels ??= scopeLevels(req);
      (pending ??= []).push(this.seedSpend(s, levels[i], req, month, now));
    });
    return pending && Promise.all(pending);
  }

  private admitted(
    scopes: string[],
    limits: ReturnType<QuotaService['effective']>,
    res: (string | number)[],
  ): RateLimitState {
    const figures = res.slice(1).map(Number);
    this.headroom.note(scopes, figures);
    return rateLimitState(limits, figures);
  }

  private denied(
    req: AdmissionRequest,
    scopes: string[],
    limits: ReturnType<QuotaService['effective']>,
    res: (string | number)[],
  ): Denial {
    this.headroom.forget(scopes);
    const index = Number(res[1]);
    const kind = String(res[2]) as LimitKind;
    const l = limits[index];
    return {
      scope: scopeLevels(req)[index],
      kind,
      limit: String(
        kind === 'requests' || (kind === 'blocked' && l.rpm === 0)
          ? l.rpm
          : kind === 'tokens' || kind === 'too_large' || kind === 'blocked'
            ? l.tpm
            : l.cap,
      ),
      retryAfterMs: Number(res[3]),
      hard: HARD.has(kind),
    };
  }

  /** Write-ahead of streamed text: true once it is durably part of the call's record (false: the call was reaped). */
  async checkpoint(admission: Admission, text: string): Promise<boolean> {
    const t = this.tagOf(admission.organizationId);
    const n = await this.redis.vrCheckpoint(
      2,
      this.callKey(t, admission.requestId),
      this.outKey(t, admission.requestId),
      this.owner,
      text,
    );
    return n === 1;
  }

  /** One atomic step; rejects when Redis refuses it (down, at maxmemory, timed out). */
  async finish(
    admission: Admission,
    f: CallFinish,
    owner = this.owner,
    mode: 'own' | 'reap' = 'own',
  ): Promise<FinishResult> {
    const id = admission.requestId;
    const shard = shardOf(this.layout, admission.organizationId);
    const t = this.tagOfShard(shard);
    const keys = [
      this.callKey(t, id),
      this.outKey(t, id),
      this.indexKey(t),
      this.doneKey(t, id),
      this.streamKey(shard),
      this.auditStreamKey(shard),
    ];
    keys.push(admission.idempotencyKey ?? this.idemKey(t, '-'), this.aliveKey(t, owner));
    for (const s of this.scopes(admission))
      keys.push(`${s}:tk`, `${s}:sp:${admission.month}`, `${s}:hz`, `${s}:hs`);
    const u = f.usage;
    const tokenDelta = u.inputTokens + u.outputTokens - admission.estimatedTokens;
    const argv: (string | number)[] = [
      owner,
      mode,
      id,
      DONE_TTL_S,
      MONTH_TTL_S,
      admission.heldSpend ? admission.holdMember : '',
    ];
    argv.push(
      admission.estimatedCostMicros.toString(),
      tokenDelta,
      u.costMicros.toString(),
      encodeUsage(u),
      f.audit ?? '',
    );
    const idem = f.idempotency;
    argv.push(
      idem === null ? '' : idem === 'release' ? 'release' : 'store',
      idem !== null && idem !== 'release' ? idem.store : '',
      IDEMPOTENCY_TTL_S,
    );
    argv.push(...admission.msPerToken);
    if (this.traceparent) this.carryTrace(argv);
    const n = await this.redis.vrFinish(keys.length, ...keys, ...argv);
    return n === 1 ? 'finished' : n === 2 ? 'already' : n === 0 ? 'gone' : 'alive';
  }

  /**
   * Finishes a call while its client waits: a refused or unanswered finish is retried for up to
   * `withinMs` (a Redis restart, or a reply lost with the connection), so the answer says whether
   * the call was recorded — never "maybe". Rejects only when Redis stayed away that long.
   */
  async finishWithin(
    admission: Admission,
    f: CallFinish,
    withinMs = FINISH_WAIT_MS,
  ): Promise<FinishResult> {
    return retryWithin(() => this.finish(admission, f), withinMs, this.closedForGood);
  }

  /**
   * For a finish Redis refused: retried in the background until Redis takes it (never dropped).
   * If this process dies first, a reaper finishes the call from its started record.
   */
  finishLater(admission: Admission, f: CallFinish, onDone?: (r: FinishResult) => void): void {
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          // (not `onDone?.(await …)`: an absent callback would skip evaluating the finish itself)
          const result = await this.finish(admission, f);
          onDone?.(result);
          return;
        } catch (error) {
          if (attempt === 0 || attempt % 20 === 0) {
            this.logger.warn(
              `finish of ${admission.requestId} refused, retrying: ${(error as Error).message}`,
            );
          }
          if (this.stopping && attempt > 3) return;
          await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
        }
      }
    };
    const p = run();
    this.retrying.add(p);
    void p.finally(() => this.retrying.delete(p));
  }

  /** Started calls older than `minAgeMs` whose owner's heartbeat is gone (every shard's). */
  async orphans(minAgeMs: number, limit = 200): Promise<(OrphanCall & { admission: Admission })[]> {
    const out: (OrphanCall & { admission: Admission })[] = [];
    for (const k of shardIndexes(this.layout)) {
      if (out.length >= limit) break;
      out.push(...(await this.shardOrphans(this.tagOfShard(k), minAgeMs, limit - out.length)));
    }
    return out;
  }

  private async shardOrphans(
    t: string,
    minAgeMs: number,
    limit: number,
  ): Promise<(OrphanCall & { admission: Admission })[]> {
    const ids = await this.redis.zrangebyscore(
      this.indexKey(t),
      '-inf',
      Date.now() - minAgeMs,
      'LIMIT',
      0,
      limit,
    );
    if (!ids.length) return [];
    const pipe = this.redis.multi();
    for (const id of ids) pipe.hmget(this.callKey(t, id), 'o', 's').get(this.outKey(t, id));
    const res = ((await pipe.exec()) ?? []).map(([, v]) => v);
    const owners = [
      ...new Set(
        ids.map((_, i) => (res[i * 2] as (string | null)[])[0]).filter((o): o is string => !!o),
      ),
    ];
    const beats = owners.length
      ? await Promise.all(owners.map((o) => this.redis.exists(this.aliveKey(t, o))))
      : [];
    const dead = new Set(owners.filter((_, i) => beats[i] === 0));
    if (!dead.size) return [];
    const out: (OrphanCall & { admission: Admission })[] = [];
    ids.forEach((requestId, i) => {
      const [owner, raw] = res[i * 2] as (string | null)[];
      if (!owner || !raw) {
        void this.redis.zrem(this.indexKey(t), requestId).catch(() => undefined);
        return;
      }
      // A live process never reaps itself, even if its heartbeat lapsed while Redis was away.
      if (!dead.has(owner) || owner === this.owner) return;
      const stored = JSON.parse(raw) as StoredRecord;
      const admission: Admission = {
        ...stored.a,
        estimatedCostMicros: BigInt(stored.a.estimatedCostMicros) as Micros,
      };
      out.push({
        requestId,
        owner,
        record: stored.c,
        delivered: (res[i * 2 + 1] as string | null) ?? '',
        admission,
      });
    });
    return out;
  }

  /**
   * A call's trace context goes beside its usage record and, for a premium call, its audit event
   * (each stream entry's field 't', not part of the record, the event or its leaf), as the
   * scripts' last argument: only when tracing is on and the call is sampled, so otherwise the
   * scripts get the arguments they always had.
   */
  private carryTrace(argv: (string | number)[]): void {
    const traceparent = this.traceparent!();
    if (traceparent) argv.push(traceparent);
  }

  /** The usage stream (the base name; on a cluster, `shard`'s stream of it). */
  streamKey(shard = 0): string {
    return this.usageStreams[shard];
  }

  /** Premium-call audit events, written into the log in batches by the worker (GatewayAuditIntake). */
  auditStreamKey(shard = 0): string {
    return this.auditStreams[shard];
  }

  /** `:{sK}` of the organisation's shard on a cluster, '' on a single Redis (the historic names). */
  private tagOf(organizationId: string): string {
    return this.tagOfShard(shardOf(this.layout, organizationId));
  }

  private tagOfShard(shard: number): string {
    const tag = shardTag(this.layout, shard);
    return tag && `:${tag}`;
  }

  private idemKey(t: string, scopedKey: string): string {
    return `${this.options.prefix}:gw${t}:idem:${scopedKey}`;
  }

  private callKey(t: string, requestId: string): string {
    return `${this.options.prefix}:gw${t}:call:${requestId}`;
  }

  private outKey(t: string, requestId: string): string {
    return `${this.options.prefix}:gw${t}:call:${requestId}:out`;
  }

  private doneKey(t: string, requestId: string): string {
    return `${this.options.prefix}:gw${t}:done:${requestId}`;
  }

  private indexKey(t: string): string {
    return `${this.options.prefix}:gw${t}:calls`;
  }

  private aliveKey(t: string, owner: string): string {
    return `${this.options.prefix}:gw${t}:alive:${owner}`;
  }

  /**
   * Organisation, team (when the key has one), key: the order limits are checked in. A team's and a
   * key's scopes share their organisation's shard: one admission, one slot.
   */
  private scopes(req: { organizationId: string; apiKeyId: string; teamId?: string | null }) {
    const name = (level: ScopeLevel, id: string) =>
      `${this.options.prefix}:${scopeName(this.layout, req.organizationId, level, id)}`;
    const scopes = [name('o', req.organizationId)];
    if (req.teamId) scopes.push(name('t', req.teamId));
    scopes.push(name('k', req.apiKeyId));
    return scopes;
  }

  /**
   * Per level, the lowest of the provider's limit (override, else the gateway default) and the
   * customer's own; a team has only the customer's.
   */
  private effective(o: OverrideSnapshot, withTeam: boolean) {
    const d = this.options.defaults;
    const pick = <T>(row: T | null | undefined, fallback: T | null): T | null =>
      row === null || row === undefined ? fallback : row;
    const c = o.customer ?? {};
    const org = {
      rpm: lowest(
        pick(o.organization?.requestsPerMinute, d.orgRequestsPerMinute),
        c.organization?.requestsPerMinute,
      ),
      tpm: lowest(
        pick(o.organization?.tokensPerMinute, d.orgTokensPerMinute),
        c.organization?.tokensPerMinute,
      ),
      cap: lowest(
        pick<Micros>(o.organization?.spendCapMicros, d.orgSpendCapMicros),
        c.organization?.spendCapMicros,
      ),
    };
    const key = {
      rpm: lowest(
        pick(o.apiKey?.requestsPerMinute, d.keyRequestsPerMinute),
        c.apiKey?.requestsPerMinute,
      ),
      tpm: lowest(pick(o.apiKey?.tokensPerMinute, d.keyTokensPerMinute), c.apiKey?.tokensPerMinute),
      cap: lowest(
        pick<Micros>(o.apiKey?.spendCapMicros, d.keySpendCapMicros),
        c.apiKey?.spendCapMicros,
      ),
    };
    if (!withTeam) return [org, key];
    const team = {
      rpm: c.team?.requestsPerMinute ?? null,
      tpm: c.team?.tokensPerMinute ?? null,
      cap: c.team?.spendCapMicros ?? null,
    };
    return [org, team, key];
  }

  /**
   * The month's spend counter starts from the database the first time this process sees a capped
   * scope in a month, so a Redis restart cannot reset a cap. SET NX: never overwrites live counts.
   */
  private async seedSpend(
    scope: string,
    level: LimitScope,
    req: AdmissionRequest,
    month: string,
    now: Date,
  ): Promise<void> {
    const key = `${scope}:sp:${month}`;
    if (this.seeded.has(key)) return;
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const params: unknown[] = [req.organizationId, from];
    let sql = `SELECT coalesce(sum(cost_micros), 0)::text AS s FROM usage_records WHERE organization_id = $1 AND occurred_at >= $2`;
    if (level === 'api_key') {
      sql += ' AND api_key_id = $3';
      params.push(req.apiKeyId);
    } else if (level === 'team') {
      // the team's keys as they are now: a key that moved brings its month's spend along
      sql += ` AND api_key_id IN (SELECT id FROM ${API_KEYS_RELATION} k WHERE k.team_id = $3)`;
      params.push(req.teamId);
    }
    const [{ s }] = (await this.db.query(sql, params)) as { s: string }[];
    await this.redis.set(key, s, 'EX', MONTH_TTL_S, 'NX');
    this.seeded.add(key);
  }
}

const perToken = (tpm: number | null): number => (tpm && tpm > 0 ? WINDOW_MS / tpm : 0);

const scopeLevels = (req: { teamId?: string | null }): LimitScope[] =>
  req.teamId ? ['organization', 'team', 'api_key'] : ['organization', 'api_key'];

/** The lower of two limits, null being unlimited. */
function lowest<T extends number | bigint>(a: T | null, b: T | null | undefined): T | null {
  if (b === null || b === undefined) return a;
  return a === null || b < a ? b : a;
}

/** Per scope, in the scripts' order: requests TAT, tokens TAT, spend month, holds zset, holds sum. */
function pushScopeKeys(keys: string[], scopes: string[], month: string): void {
  for (const s of scopes) keys.push(`${s}:rq`, `${s}:tk`, `${s}:sp:${month}`, `${s}:hz`, `${s}:hs`);
}

function pushLimitArgs(
  argv: (string | number)[],
  limits: { rpm: number | null; tpm: number | null; cap: Micros | null }[],
): void {
  for (const l of limits)
    argv.push(l.rpm ?? -1, l.tpm ?? -1, l.cap === null ? -1 : l.cap.toString());
}

/**
 * Runs a step while its client waits: a refused or unanswered attempt is retried for up to
 * `withinMs` (a Redis restart, or a reply lost with the connection), so the answer says whether
 * the call was recorded — never "maybe". Rejects only when Redis stayed away that long.
 */
async function retryWithin<T>(
  step: () => Promise<T>,
  withinMs: number,
  hopeless: () => boolean,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (hopeless() || Date.now() + RETRY_MS[0] > deadline) throw error;
      await new Promise((r) =>
        setTimeout(r, Math.min(RETRY_MS[Math.min(attempt, 2)], Math.max(0, deadline - Date.now()))),
      );
    }
  }
}

/** The tightest scope's figures for each limit (the one a client runs into first). */
function rateLimitState(
  limits: { rpm: number | null; tpm: number | null }[],
  figures: number[],
): RateLimitState {
  const pick = (which: 'rpm' | 'tpm', offset: number) => {
    let best: RateLimitState['requests'] = null;
    limits.forEach((l, i) => {
      const limit = l[which];
      const remaining = figures[i * FIGURES_PER_SCOPE + offset];
      if (limit === null || limit <= 0 || remaining < 0) return;
      if (!best || remaining < best.remaining)
        best = { limit, remaining, resetMs: figures[i * FIGURES_PER_SCOPE + offset + 1] };
    });
    return best;
  };
  return { requests: pick('rpm', 0), tokens: pick('tpm', 2) };
}
