import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One contract of an organisation as the unlock evaluation sees it (days are `YYYY-MM-DD`, UTC). */
export interface ContractFact {
  id: string;
  tier: string;
  /** draft, submitted, changes_requested, approved, active, expired or terminated. */
  status: string;
  termStart: string;
  termEnd: string;
  requiredApprovals: number;
  /** Approvals of the current review round. */
  approvals: number;
  /** For expired and terminated contracts: the day access ended; null otherwise. */
  endedOn: string | null;
}

/**
 * The contract facts the unlock rules need. The contracts lib owns those tables and depends on
 * entitlements (a contract's approval re-evaluates them), so entitlements declares what it needs
 * here and the contracts lib implements it (`ContractFactsModule`); each app wires it by DI.
 * Reads run on the caller's `EntityManager`: the engine's transaction, under its advisory lock.
 */
export interface ContractFacts {
  /** The organisation's contracts in any state but rejected. */
  ofOrganization(em: EntityManager, organizationId: string): Promise<ContractFact[]>;
}

export const CONTRACT_FACTS = Symbol('CONTRACT_FACTS');

let bound: ContractFacts | null = null;

/**
 * Hands the app's `CONTRACT_FACTS` to `loadOrganizationFacts`, which the engine calls as a plain
 * function. Temporary: once `EntitlementEngine` takes `CONTRACT_FACTS` in its constructor and passes
 * it on, this binding goes. Being a provider of `EntitlementsModule`, it makes an app that forgot
 * to wire the port fail at boot, naming the token, instead of at its first evaluation.
 */
@Injectable()
export class ContractFactsBinding {
  constructor(@Inject(CONTRACT_FACTS) facts: ContractFacts) {
    bound = facts;
  }
}

export function boundContractFacts(): ContractFacts {
  if (!bound)
    throw new Error('CONTRACT_FACTS is not wired: import ContractFactsModule (@velvet/contracts)');
  return bound;
}
