import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { organizationIds } from '@velvet/organizations';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTRACT_FACTS, type ContractFacts } from './contract-facts.port';
import { entitlementsChannel } from './entitlements.constants';
import { type GatedTier, loadOrganizationFacts } from './entitlement-facts';
import {
  evaluateTier,
  type Refusal,
  type RuleTerms,
  type TierEvaluation,
  type TierFacts,
} from './unlock-evaluation';

export interface EvaluationOutcome {
  organizationId: string;
  unlockedTiers: string[];
  changed: boolean;
}

/** A gated tier without a rule never unlocks: access to premium models must be granted, never defaulted. */
function evaluate(tier: GatedTier, facts: TierFacts): TierEvaluation {
  if (!tier.rule) {
    const message = 'no unlock rule configured for this tier';
    return {
      tier: tier.name,
      unlocked: false,
      conditions: [{ key: 'contract', holds: false, message }],
      refusal: { code: 'no_unlock_rule', message },
    };
  }
  return evaluateTier(tier.rule, facts);
}

/** The refusals per tier in a stable order (codes and messages), to tell whether the reasons changed. */
const reasonsOf = (refusals: Record<string, Refusal> | null | undefined): string =>
  JSON.stringify(
    Object.entries(refusals ?? {})
      .map(([tier, r]) => [tier, r.code, r.message])
      .sort(),
  );

/**
 * Computes which gated tiers an organisation has unlocked, materialises the result in
 * `organization_entitlements`, and announces a change so every EntitlementCache drops its entry.
 */
@Injectable()
export class EntitlementEngine {
  private readonly logger = new Logger(EntitlementEngine.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(CONTRACT_FACTS) private readonly contractFacts: ContractFacts,
  ) {}

  /** Live evaluation of every gated tier, without writing anything (for explanations). */
  async evaluateTiers(
    organizationId: string,
    now = new Date(),
    em: EntityManager = this.dataSource.manager,
    overrides: ReadonlyMap<string, RuleTerms> = new Map(),
  ): Promise<TierEvaluation[]> {
    const facts = await loadOrganizationFacts(
      em,
      organizationId,
      now,
      this.contractFacts,
      overrides,
    );
    return facts.gatedTiers.map((tier) => evaluate(tier, facts.factsFor(tier)));
  }

  async evaluate(
    organizationId: string,
    reason: string,
    /** The evaluation's time; by default the moment it holds the lock (see below). */
    at?: Date,
  ): Promise<EvaluationOutcome> {
    const outcome = await this.dataSource.transaction(async (em) => {
      // one evaluation per organisation at a time, so a slower, older one cannot overwrite a newer result
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('entitlements'), hashtext($1))`, [
        organizationId,
      ]);
      // Its time is taken once it holds the lock, not when it was called: an evaluation that waited
      // behind another would otherwise judge a spend window that ends before usage the other already
      // counted, and overwrite the newer result with an older one.
      const now = at ?? new Date();
      // The result we may overwrite is read BEFORE the facts that justify overwriting it. Each statement
      // reads the latest commit (READ COMMITTED), so the other order can pair an old fact (not yet
      // verified) with a newer grant made after that fact changed, and revoke it; in this order a grant
      // seen here was committed before every fact read below.
      const current: { tier: string; valid_until: string | null }[] = await em.query(
        `SELECT tier, to_char(valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS valid_until
           FROM organization_entitlements WHERE organization_id = $1 ORDER BY tier COLLATE "C"`,
        [organizationId],
      );
      const evaluations = await this.evaluateTiers(organizationId, now, em);
      const granted = evaluations
        .filter((e) => e.unlocked)
        .map((e) => ({ tier: e.tier, validUntil: e.validUntil?.toISOString() ?? null }))
        .sort((a, b) => (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : 0));
      const unlocked = granted.map((g) => g.tier);
      const before = current.map((r) => r.tier);
      // a new term end (a replacement, an amendment) is a change too: the gateway must learn the new lapse time
      const changed =
        JSON.stringify(current.map((r) => [r.tier, r.valid_until])) !==
        JSON.stringify(granted.map((g) => [g.tier, g.validUntil]));
      if (changed) {
        await em.query(
          `DELETE FROM organization_entitlements WHERE organization_id = $1 AND NOT (tier = ANY($2))`,
          [organizationId, unlocked],
        );
        await em.query(
          `INSERT INTO organization_entitlements (organization_id, tier, unlocked_at, valid_until)
           SELECT $1, g.tier, $3, g.valid_until FROM unnest($2::text[], $4::timestamptz[]) AS g(tier, valid_until)
           ON CONFLICT (organization_id, tier) DO UPDATE SET valid_until = EXCLUDED.valid_until`,
          [organizationId, unlocked, now, granted.map((g) => g.validUntil)],
        );
      }
      const refusals: Record<string, Refusal> = {};
      for (const e of evaluations) if (e.refusal) refusals[e.tier] = e.refusal;
      const [previous] = await em.query(
        `SELECT refusals FROM entitlement_evaluations WHERE organization_id = $1`,
        [organizationId],
      );
      // evaluated_at is the time its facts are as of (not the commit's): the gateway compares it with a
      // reason it computed live, so a 403 never goes back to a reason older than one it already gave
      await em.query(
        `INSERT INTO entitlement_evaluations (organization_id, unlocked_tiers, reason, evaluated_at, refusals) VALUES ($1, $2, $3, $5, $4)
         ON CONFLICT (organization_id) DO UPDATE SET unlocked_tiers = EXCLUDED.unlocked_tiers, reason = EXCLUDED.reason,
           evaluated_at = EXCLUDED.evaluated_at, refusals = EXCLUDED.refusals`,
        [organizationId, unlocked, reason.slice(0, 200), JSON.stringify(refusals), now],
      );
      // a new reason (suspended while already short of spend), or a new amount short, must reach the
      // gateway's 403 too; spend evaluations are throttled per organisation, so this stays a few a second
      const reasonsChanged = reasonsOf(previous?.refusals) !== reasonsOf(refusals);
      return { organizationId, unlockedTiers: unlocked, changed, reasonsChanged, before };
    });
    if (outcome.changed || outcome.reasonsChanged) await this.announce(organizationId);
    if (outcome.changed) {
      this.logger.log(
        { organizationId, from: outcome.before, to: outcome.unlockedTiers, reason },
        'entitlements changed',
      );
    }
    return { organizationId, unlockedTiers: outcome.unlockedTiers, changed: outcome.changed };
  }

  /** Every organisation, one at a time (after a rule or catalog change, and periodically as windows slide). */
  async evaluateAll(reason: string): Promise<number> {
    let changed = 0;
    for (const id of await organizationIds(this.dataSource.manager))
      if ((await this.evaluate(id, reason)).changed) changed++;
    return changed;
  }

  /** Tells every EntitlementCache (any process) to reload this organisation, or everyone for `*`. */
  async announce(organizationId: string): Promise<void> {
    await this.redis.publish(
      entitlementsChannel(this.redis.options.keyPrefix ?? ''),
      organizationId,
    );
  }
}
