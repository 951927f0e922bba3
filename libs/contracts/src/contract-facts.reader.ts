import { Global, Injectable, Module } from '@nestjs/common';
import { CONTRACT_FACTS, type ContractFact, type ContractFacts } from '@velvet/entitlements';
import type { EntityManager } from 'typeorm';

/**
 * The contracts lib's side of the entitlements port: what the unlock rules need to know of an
 * organisation's contracts, read on the caller's `EntityManager` (its transaction and lock).
 */
@Injectable()
export class ContractFactsReader implements ContractFacts {
  ofOrganization(em: EntityManager, organizationId: string): Promise<ContractFact[]> {
    return em.query(
      `SELECT c.id, c.tier, c.status, c.term_start::text AS "termStart", c.term_end::text AS "termEnd",
              c.required_approvals AS "requiredApprovals",
              (SELECT count(*)::int FROM contract_approvals a
                WHERE a.contract_id = c.id AND a.round = c.review_round) AS approvals,
              CASE c.status
                WHEN 'terminated' THEN (SELECT (max(x.occurred_at) AT TIME ZONE 'UTC')::date::text
                                          FROM contract_transitions x
                                         WHERE x.contract_id = c.id AND x.to_status = 'terminated')
                WHEN 'expired' THEN c.term_end::text END AS "endedOn"
         FROM contracts c
        WHERE c.organization_id = $1
          AND c.status IN ('draft', 'submitted', 'changes_requested', 'approved', 'active', 'expired', 'terminated')`,
      [organizationId],
    );
  }
}

/**
 * Provides `CONTRACT_FACTS` to every module of the app (entitlements cannot import contracts: the
 * dependency runs the other way). Import it once in each app that evaluates entitlements.
 */
@Global()
@Module({
  providers: [{ provide: CONTRACT_FACTS, useClass: ContractFactsReader }],
  exports: [CONTRACT_FACTS],
})
export class ContractFactsModule {}
