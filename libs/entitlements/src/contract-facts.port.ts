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
