import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tierGated } from '@velvet/catalog';
import { AdminActivityLog, type Micros } from '@velvet/common';
import { type DataSource, type EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { UnlockRuleChange, UnlockRuleGrandfathering } from './entities/unlock-rule-change.entity';
import { UnlockRule } from './entities/unlock-rule.entity';
import { ALL_ORGANIZATIONS } from './entitlements.constants';
import { EntitlementException } from './entitlements.exception';
import { EntitlementsScheduler } from './entitlements.scheduler';
import { type RuleChangeImpact, UnlockRuleImpact } from './unlock-rule-impact';

export interface UnlockRuleTerms {
  requiresContract?: boolean;
  minQualifyingSpendMicros?: Micros;
  spendWindowDays?: number;
  currency?: string;
  requiresVerified?: boolean;
  requiresNotSuspended?: boolean;
  minAccountAgeDays?: number;
  dualApprovalAboveMicros?: Micros;
}

/** When a change takes effect and whether organisations with active contracts keep access until their term ends. */
export interface RuleChangeSchedule {
  effectiveAt?: Date;
  grandfather?: boolean;
}

const DEFAULTS: Required<UnlockRuleTerms> = {
  requiresContract: true,
  minQualifyingSpendMicros: 0n,
  spendWindowDays: 90,
  currency: 'USD',
  requiresVerified: true,
  requiresNotSuspended: true,
  minAccountAgeDays: 0,
  dualApprovalAboveMicros: 0n,
};
const BIGINT_FIELDS = ['minQualifyingSpendMicros', 'dualApprovalAboveMicros'] as const;
const MAX_LEAD_MS = 366 * 86_400_000;
/** A clock a little behind the server's is not "the past". */
const PAST_TOLERANCE_MS = 60_000;

/** JSON-safe snapshot of a rule for the change history (bigints as decimal strings). */
const snapshot = (rule: UnlockRule): Record<string, unknown> => ({
  requiresContract: rule.requiresContract,
  minQualifyingSpendMicros: rule.minQualifyingSpendMicros.toString(),
  spendWindowDays: rule.spendWindowDays,
  currency: rule.currency,
  requiresVerified: rule.requiresVerified,
  requiresNotSuspended: rule.requiresNotSuspended,
  minAccountAgeDays: rule.minAccountAgeDays,
  dualApprovalAboveMicros: rule.dualApprovalAboveMicros.toString(),
  version: rule.version,
});

function fromSnapshot(target: UnlockRule, after: Record<string, unknown>): void {
  for (const k of Object.keys(DEFAULTS) as (keyof UnlockRuleTerms)[]) {
    const v = after[k];
    if (v === undefined) continue;
    (target as unknown as Record<string, unknown>)[k] = (
      BIGINT_FIELDS as readonly string[]
    ).includes(k)
      ? BigInt(v as string)
      : v;
  }
}

export interface RuleChangeResult {
  /** The rule in force after the call (unchanged while the change is scheduled). */
  rule: UnlockRule;
  change: UnlockRuleChange;
}

/**
 * Unlock rules are data: the platform admin edits them, every edit is a version kept with who and
 * why, its effective time, its preview (who gains, loses, is grandfathered) and the grandfathering
 * choice. A change due now is applied at once; a later one by a delayed job (or the periodic sweep).
 */
@Injectable()
export class UnlockRulesService {
  private readonly logger = new Logger(UnlockRulesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly scheduler: EntitlementsScheduler,
    private readonly impact: UnlockRuleImpact,
  ) {}

  list(): Promise<UnlockRule[]> {
    return this.dataSource.getRepository(UnlockRule).find({ order: { tier: 'ASC' } });
  }

  async get(tier: string): Promise<UnlockRule> {
    const rule = await this.dataSource.getRepository(UnlockRule).findOne({ where: { tier } });
    if (!rule) throw EntitlementException.unknownTier(tier);
    return rule;
  }

  /** Who would gain, lose, or keep access (grandfathered) if `terms` applied now. Changes nothing. */
  async preview(
    tier: string,
    terms: UnlockRuleTerms,
    grandfather: boolean,
  ): Promise<RuleChangeImpact> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const { next } = await this.proposed(em, tier, terms, false);
      return this.impact.preview(next, grandfather, new Date(), em);
    });
  }

  /** Creates or changes the rule of a gated tier. `expectedVersion` guards against lost updates. */
  async put(
    tier: string,
    terms: UnlockRuleTerms,
    actorUserId: string | null,
    reason: string,
    expectedVersion?: number,
    schedule: RuleChangeSchedule = {},
  ): Promise<RuleChangeResult> {
    const now = new Date();
    const effectiveAt = schedule.effectiveAt ?? now;
    if (Number.isNaN(effectiveAt.getTime()))
      throw EntitlementException.invalidSchedule('effectiveAt must be a date and time');
    if (effectiveAt.getTime() < now.getTime() - PAST_TOLERANCE_MS)
      throw EntitlementException.invalidSchedule('effectiveAt must not be in the past');
    if (effectiveAt.getTime() > now.getTime() + MAX_LEAD_MS)
      throw EntitlementException.invalidSchedule('effectiveAt must be within a year');
    const due = effectiveAt.getTime() <= now.getTime();
    const grandfather = schedule.grandfather ?? false;
    const result = await this.dataSource.transaction(async (em) => {
      const { existing, next } = await this.proposed(em, tier, terms, true);
      if (expectedVersion !== undefined && (existing?.version ?? 0) !== expectedVersion)
        throw EntitlementException.versionConflict();
      const pending = await em.findOne(UnlockRuleChange, { where: { tier, appliedAt: IsNull() } });
      if (pending) throw EntitlementException.changeScheduled(pending.effectiveAt);
      const before = existing ? snapshot(existing) : null;
      next.version = (existing?.version ?? 0) + 1;
      const preview = await this.impact.preview(next, grandfather, now, em);
      const change = await em.save(
        em.create(UnlockRuleChange, {
          tier,
          actorUserId,
          reason,
          before,
          after: snapshot(next),
          version: next.version,
          effectiveAt,
          appliedAt: null,
          grandfather,
          impact: preview as unknown as Record<string, unknown>,
        }),
      );
      await this.activity.record({
        actorUserId,
        organizationId: null,
        action: due ? 'unlock_rule.updated' : 'unlock_rule.scheduled',
        subjectType: 'UnlockRule',
        subjectId: tier,
        reason,
        details: {
          before,
          after: snapshot(next),
          effectiveAt: effectiveAt.toISOString(),
          grandfather,
          gain: preview.gain.length,
          lose: preview.lose.length,
          grandfathered: preview.grandfathered.length,
        },
      });
      const rule = due ? await this.applyLocked(em, change, existing, now, preview) : existing!;
      return { rule: rule ?? next, change };
    });
    if (due)
      await this.scheduler.requestEvaluation(ALL_ORGANIZATIONS, `unlock rule ${tier} changed`);
    else await this.scheduler.scheduleRuleChange(result.change.id, effectiveAt);
    return result;
  }

  /** Applies every scheduled change whose time has come; returns how many. Safe to run concurrently. */
  async applyDue(now = new Date()): Promise<number> {
    const due = await this.dataSource.getRepository(UnlockRuleChange).find({
      where: { appliedAt: IsNull(), effectiveAt: LessThanOrEqual(now) },
      order: { effectiveAt: 'ASC' },
    });
    let applied = 0;
    for (const { id } of due) {
      const done = await this.dataSource.transaction(async (em) => {
        const change = await em.findOne(UnlockRuleChange, {
          where: { id, appliedAt: IsNull() },
          lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
        });
        if (!change) return false;
        const existing = await em.findOne(UnlockRule, {
          where: { tier: change.tier },
          lock: { mode: 'pessimistic_write' },
        });
        await this.applyLocked(em, change, existing, now);
        return true;
      });
      if (done) {
        applied++;
        this.logger.log({ changeId: id }, 'scheduled unlock-rule change applied');
      }
    }
    return applied;
  }

  history(tier: string): Promise<UnlockRuleChange[]> {
    return this.dataSource
      .getRepository(UnlockRuleChange)
      .find({ where: { tier }, order: { changedAt: 'DESC' } });
  }

  /** The rule as it would be with `terms` applied (not saved). */
  private async proposed(em: EntityManager, tier: string, terms: UnlockRuleTerms, lock: boolean) {
    const gated = await tierGated(em, tier, { forShare: true });
    if (gated === null) throw EntitlementException.unknownTier(tier);
    if (!gated) throw EntitlementException.tierNotGated(tier);
    const existing = await em.findOne(UnlockRule, {
      where: { tier },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    const next = em.create(UnlockRule, { ...(existing ?? { tier, ...DEFAULTS, version: 0 }) });
    for (const [k, v] of Object.entries(terms))
      if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    return { existing, next };
  }

  /**
   * Puts a change in force (rule row locked by the caller): the rule takes the change's values, and
   * with grandfathering, organisations that would lose access but hold an active contract keep it
   * until that contract's term ends (recorded per organisation, decided now, not at preview time).
   */
  private async applyLocked(
    em: EntityManager,
    change: UnlockRuleChange,
    existing: UnlockRule | null,
    now: Date,
    /** Computed in the same transaction already (a change due at once). */
    known?: RuleChangeImpact,
  ): Promise<UnlockRule> {
    const rule = existing ?? em.create(UnlockRule, { tier: change.tier, ...DEFAULTS, version: 0 });
    fromSnapshot(rule, change.after);
    rule.version = change.version ?? rule.version + 1;
    rule.updatedBy = change.actorUserId;
    if (change.grandfather) {
      const impact = known ?? (await this.impact.preview(rule, true, now, em));
      for (const g of impact.grandfathered) {
        await em.insert(UnlockRuleGrandfathering, {
          changeId: change.id,
          organizationId: g.organizationId,
          tier: change.tier,
          contractId: g.contractId,
          until: g.until,
        });
      }
    }
    const saved = await em.save(rule);
    change.appliedAt = now;
    await em.save(change);
    return saved;
  }
}
