import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tierRanks } from '@velvet/catalog';
import { organizationDirectory } from '@velvet/organizations';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTRACT_FACTS, type ContractFacts } from './contract-facts.port';
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
    @Inject(CONTRACT_FACTS) private readonly contracts: ContractFacts,
  ) {}

  async preview(
    proposed: RuleTerms,
    grandfather: boolean,
    now = new Date(),
    em: EntityManager = this.dataSource.manager,
  ): Promise<RuleChangeImpact> {
    const orgs = await organizationDirectory(em);
    const ranks = new Map((await tierRanks(em)).map((t) => [t.name, t.rank]));
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
        ? await this.activeContract(em, org.id, ranks, proposed.tier, today)
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
    ranks: ReadonlyMap<string, number>,
    tier: string,
    today: string,
  ): Promise<{ id: string; until: string } | null> {
    const rank = ranks.get(tier);
    if (rank === undefined) return null;
    const covering = (await this.contracts.ofOrganization(em, organizationId))
      .filter(
        (c) =>
          c.status === 'active' && c.termEnd >= today && (ranks.get(c.tier) ?? -Infinity) >= rank,
      )
      .sort((a, b) => (a.termEnd < b.termEnd ? 1 : a.termEnd > b.termEnd ? -1 : 0));
    return covering.length ? { id: covering[0].id, until: covering[0].termEnd } : null;
  }
}
