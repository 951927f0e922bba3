import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdminActivityLog, type Micros } from '@velvet/common';
import type { DataSource } from 'typeorm';
import { UnlockRuleChange } from './entities/unlock-rule-change.entity';
import { UnlockRule } from './entities/unlock-rule.entity';
import { ALL_ORGANIZATIONS } from './entitlements.constants';
import { EntitlementException } from './entitlements.exception';
import { EntitlementsScheduler } from './entitlements.scheduler';

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

/** Unlock rules are data: the platform admin edits them, every edit is kept with who and why. */
@Injectable()
export class UnlockRulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly scheduler: EntitlementsScheduler,
  ) {}

  list(): Promise<UnlockRule[]> {
    return this.dataSource.getRepository(UnlockRule).find({ order: { tier: 'ASC' } });
  }

  async get(tier: string): Promise<UnlockRule> {
    const rule = await this.dataSource.getRepository(UnlockRule).findOne({ where: { tier } });
    if (!rule) throw EntitlementException.unknownTier(tier);
    return rule;
  }

  /** Creates or changes the rule of a gated tier. `expectedVersion` guards against lost updates. */
  async put(
    tier: string,
    terms: UnlockRuleTerms,
    actorUserId: string | null,
    reason: string,
    expectedVersion?: number,
  ): Promise<UnlockRule> {
    const rule = await this.dataSource.transaction(async (em) => {
      const [t] = await em.query(`SELECT gated FROM model_tiers WHERE name = $1 FOR SHARE`, [tier]);
      if (!t) throw EntitlementException.unknownTier(tier);
      if (!t.gated) throw EntitlementException.tierNotGated(tier);
      const existing = await em.findOne(UnlockRule, {
        where: { tier },
        lock: { mode: 'pessimistic_write' },
      });
      if (expectedVersion !== undefined && (existing?.version ?? 0) !== expectedVersion)
        throw EntitlementException.versionConflict();
      const before = existing ? snapshot(existing) : null;
      const next = existing ?? em.create(UnlockRule, { tier, ...DEFAULTS, version: 0 });
      for (const [k, v] of Object.entries(terms))
        if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
      next.version += 1;
      next.updatedBy = actorUserId;
      const saved = await em.save(next);
      const after = snapshot(saved);
      await em.save(em.create(UnlockRuleChange, { tier, actorUserId, reason, before, after }));
      await this.activity.record({
        actorUserId,
        organizationId: null,
        action: 'unlock_rule.updated',
        subjectType: 'UnlockRule',
        subjectId: tier,
        reason,
        details: { before, after },
      });
      return saved;
    });
    await this.scheduler.requestEvaluation(ALL_ORGANIZATIONS, `unlock rule ${tier} changed`);
    return rule;
  }

  history(tier: string): Promise<UnlockRuleChange[]> {
    return this.dataSource
      .getRepository(UnlockRuleChange)
      .find({ where: { tier }, order: { changedAt: 'DESC' } });
  }
}
