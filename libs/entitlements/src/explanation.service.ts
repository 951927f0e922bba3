import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MODEL_TIERS_RELATION, MODELS_RELATION } from '@velvet/catalog';
import { ORGANIZATIONS_RELATION } from '@velvet/organizations';
import type { DataSource } from 'typeorm';
import { EntitlementEngine } from './entitlement-engine.service';
import type { ConditionResult, EntitlementExplanation, Refusal } from './explanation.view';

export type { EntitlementExplanation, ModelEntitlement, Refusal } from './explanation.view';

const DISABLED: ConditionResult = {
  key: 'organization_active',
  holds: false,
  message: 'organisation disabled',
};

/** Why the gateway refuses now: the organisation first, then the tier's rule, else the rule holds and is being applied. */
function refusalFor(orgActive: boolean, unlocked: boolean, tierRefusal: Refusal | null): Refusal {
  if (!orgActive) return { code: 'organization_disabled', message: DISABLED.message };
  if (!unlocked && tierRefusal) return tierRefusal;
  return {
    code: 'entitlement_pending',
    message: 'every condition holds; access is being granted, retry in a second',
  };
}

/** Tells an organisation, per model, whether it may call it and, if not, what is missing. */
@Injectable()
export class ExplanationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: EntitlementEngine,
  ) {}

  async explain(organizationId: string, now = new Date()): Promise<EntitlementExplanation> {
    const tiers = new Map(
      (await this.engine.evaluateTiers(organizationId, now)).map((t) => [t.tier, t]),
    );
    const rows: {
      id: string;
      slug: string;
      display_name: string;
      tier: string;
      gated: boolean;
      enforced: boolean;
      org_active: boolean;
    }[] = await this.dataSource.query(
      `SELECT m.id, m.slug, m.display_name, m.tier, t.gated, o.status = 'active' AS org_active,
                EXISTS (SELECT 1 FROM organization_entitlements e WHERE e.organization_id = o.id AND e.tier = m.tier) AS enforced
           FROM ${MODELS_RELATION} m JOIN ${MODEL_TIERS_RELATION} t ON t.name = m.tier
           JOIN ${ORGANIZATIONS_RELATION} o ON o.id = $1
          WHERE m.status = 'active' ORDER BY t.rank, m.slug`,
      [organizationId],
    );
    return {
      organizationId,
      evaluatedAt: now,
      models: rows.map((r) => {
        const tier = tiers.get(r.tier);
        const unlocked = r.gated ? (tier?.unlocked ?? false) : r.org_active;
        const enforced = r.org_active && (!r.gated || r.enforced);
        const conditions = r.gated ? (tier?.conditions ?? []) : r.org_active ? [] : [DISABLED];
        return {
          modelId: r.id,
          slug: r.slug,
          displayName: r.display_name,
          tier: r.tier,
          gated: r.gated,
          unlocked,
          enforced,
          conditions,
          refusal: enforced ? null : refusalFor(r.org_active, unlocked, tier?.refusal ?? null),
        };
      }),
    };
  }
}
