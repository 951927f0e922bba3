import type { AdminActivityLog } from '@velvet/common';
import type { EntityManager } from 'typeorm';
import { ContractTransition } from './entities/contract-transition.entity';
import { type Contract, ContractStatus } from './entities/contract.entity';
import { ContractException } from './contracts.exception';

/** Which status may follow which. Anything else is refused (409). */
export const ALLOWED_TRANSITIONS: Record<ContractStatus, ContractStatus[]> = {
  [ContractStatus.Draft]: [ContractStatus.Submitted],
  [ContractStatus.Submitted]: [
    ContractStatus.Approved,
    ContractStatus.Rejected,
    ContractStatus.ChangesRequested,
    ContractStatus.Submitted,
  ],
  [ContractStatus.ChangesRequested]: [ContractStatus.Submitted],
  [ContractStatus.Approved]: [
    ContractStatus.Active,
    ContractStatus.Expired,
    ContractStatus.Terminated,
  ],
  [ContractStatus.Active]: [ContractStatus.Expired, ContractStatus.Terminated],
  [ContractStatus.Rejected]: [],
  [ContractStatus.Expired]: [],
  [ContractStatus.Terminated]: [],
};

const VERB: Record<ContractStatus, string> = {
  [ContractStatus.Draft]: 'drafted',
  [ContractStatus.Submitted]: 'submitted',
  [ContractStatus.ChangesRequested]: 'returned for changes',
  [ContractStatus.Approved]: 'approved',
  [ContractStatus.Rejected]: 'rejected',
  [ContractStatus.Active]: 'activated',
  [ContractStatus.Expired]: 'expired',
  [ContractStatus.Terminated]: 'terminated',
};

export function assertTransition(contract: Contract, to: ContractStatus): void {
  if (!ALLOWED_TRANSITIONS[contract.status].includes(to))
    throw ContractException.invalidTransition(contract.status, VERB[to]);
}

/**
 * Moves a (row-locked) contract to `to` inside the caller's transaction and records the
 * transition twice: in the contract's own trail and in the admin activity log. If either
 * record fails, the transaction and so the move fail with it.
 */
export async function moveContract(
  em: EntityManager,
  activity: AdminActivityLog,
  contract: Contract,
  to: ContractStatus,
  actorUserId: string | null,
  reason: string | null,
): Promise<Contract> {
  assertTransition(contract, to);
  const from = contract.status;
  contract.status = to;
  const saved = await em.save(contract);
  await em.insert(ContractTransition, {
    contractId: contract.id,
    organizationId: contract.organizationId,
    fromStatus: from,
    toStatus: to,
    actorUserId,
    reason,
  });
  await activity.record({
    actorUserId,
    organizationId: contract.organizationId,
    action: `contract.${to}`,
    subjectType: 'Contract',
    subjectId: contract.id,
    reason,
    details: {
      from,
      to,
      tier: contract.tier,
      minSpendMicros: contract.minSpendMicros.toString(),
      currency: contract.currency,
    },
  });
  return saved;
}
