import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { EntitlementEngine } from './entitlement-engine.service';
import type { RuleTerms } from './unlock-evaluation';

export interface ImpactedOrganization {
  organizationId: string;
  name: string;
}

export interface GrandfatheredOrganization extends ImpactedOrganization {
  contractId: string;
  /** Last day of kept access: the contract's term end. */
  until: string;
}

/** Who a rule change would let in, lock out, or (with grandfathering) keep until their term ends. */
export interface RuleChangeImpact {
  tier: string;
  evaluatedAt: string;
  gain: ImpactedOrganization[];
  lose: ImpactedOrganization[];
  grandfathered: GrandfatheredOrganization[];
}

/**
 * Evaluates every organisation under the rule in force and under a proposed rule. Read-only; one
 * evaluation per organisation and rule (a few indexed queries each), so it is meant for a preview
 * and for applying a change, not for a hot path.
 */
@Injectable()
export class UnlockRuleImpact {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: EntitlementEngine,
  ) {}

  async preview(
    proposed: RuleTerms,
    grandfather: boolean,
    now = new Date(),
    em: EntityManager = this.dataSource.manager,
  ): Promise<RuleChangeImpact> {
    const orgs: { id: string; name: string }[] = await em.query(
      `SELECT id, name FROM organizations ORDER BY name, id`,
    );
    const overrides = new Map([[proposed.tier, proposed]]);
    const impact: RuleChangeImpact = {
      tier: proposed.tier,
      evaluatedAt: now.toISOString(),
      gain: [],
      lose: [],
      grandfathered: [],
    };
    const today = now.toISOString().slice(0, 10);
    for (const org of orgs) {
      const unlockedUnder = async (o?: Map<string, RuleTerms>) =>
        (await this.engine.evaluateTiers(org.id, now, em, o)).find((t) => t.tier === proposed.tier)
          ?.unlocked ?? false;
      const before = await unlockedUnder();
      const after = await unlockedUnder(overrides);
      const who = { organizationId: org.id, name: org.name };
      if (!before && after) impact.gain.push(who);
      if (!before || after) continue;
      const contract = grandfather
        ? await this.activeContract(em, org.id, proposed.tier, today)
        : null;
      if (contract)
        impact.grandfathered.push({ ...who, contractId: contract.id, until: contract.until });
      else impact.lose.push(who);
    }
    return impact;
  }

  /** The active contract covering `tier` that ends last (grandfathering lasts until its term ends). */
  private async activeContract(
    em: EntityManager,
    organizationId: string,
    tier: string,
    today: string,
  ): Promise<{ id: string; until: string } | null> {
    const [row] = await em.query(
      `SELECT c.id, c.term_end::text AS until FROM contracts c
         JOIN model_tiers ct ON ct.name = c.tier JOIN model_tiers t ON t.name = $2
        WHERE c.organization_id = $1 AND c.status = 'active' AND ct.rank >= t.rank AND c.term_end >= $3::date
        ORDER BY c.term_end DESC LIMIT 1`,
      [organizationId, tier, today],
    );
    return row ?? null;
  }
}
