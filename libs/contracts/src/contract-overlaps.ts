import { Injectable } from '@nestjs/common';
import { AdminActivityLog } from '@velvet/common';
import type { EntityManager } from 'typeorm';
import { utcToday } from './contract-terms';
import { moveContract } from './contract-transitions';
import { Contract, ContractStatus } from './entities/contract.entity';
import { ContractException } from './contracts.exception';

/** Binding contracts: at most one per organisation, tier and day (also a database exclusion constraint). */
const BINDING = [ContractStatus.Approved, ContractStatus.Active];
const OPEN = [
  ContractStatus.Draft,
  ContractStatus.Submitted,
  ContractStatus.ChangesRequested,
  ...BINDING,
];

export interface OverlapView {
  id: string;
  status: ContractStatus;
  tier: string;
  termStart: string;
  termEnd: string;
  minSpendMicros: bigint;
  currency: string;
  /** True when this one is binding and would block approval (unless it is the one being replaced). */
  blocking: boolean;
  /** True when the contract under review amends or replaces this one. */
  replaced: boolean;
}

const dayBefore = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * One binding contract per organisation and tier for overlapping terms, unless the new
 * one explicitly amends or replaces the old one, which approval then ends.
 */
@Injectable()
export class ContractOverlaps {
  constructor(private readonly activity: AdminActivityLog) {}

  /** The organisation's other open contracts (drafts to active) for the same tier whose terms overlap. */
  async overlapping(em: EntityManager, c: Contract): Promise<OverlapView[]> {
    const rows = await em
      .createQueryBuilder(Contract, 'o')
      .where('o.organization_id = :org AND o.tier = :tier AND o.id <> :id', {
        org: c.organizationId,
        tier: c.tier,
        id: c.id ?? '00000000-0000-0000-0000-000000000000',
      })
      .andWhere('o.status IN (:...open)', { open: OPEN })
      .andWhere('o.term_start <= :end AND o.term_end >= :start', {
        start: c.termStart,
        end: c.termEnd,
      })
      .orderBy('o.term_start')
      .getMany();
    return rows.map((o) => ({
      id: o.id,
      status: o.status,
      tier: o.tier,
      termStart: o.termStart,
      termEnd: o.termEnd,
      minSpendMicros: o.minSpendMicros,
      currency: o.currency,
      replaced: o.id === c.replacesContractId,
      blocking: BINDING.includes(o.status) && o.id !== c.replacesContractId,
    }));
  }

  /** The contract a new request amends or replaces must be the organisation's own, and binding. */
  async assertReplaceable(
    em: EntityManager,
    organizationId: string,
    replacesId: string,
  ): Promise<void> {
    const old = await em.findOne(Contract, { where: { id: replacesId, organizationId } });
    if (!old)
      throw ContractException.invalidTerms(
        'replacesContractId is not a contract of this organisation',
        {
          field: 'replacesContractId',
        },
      );
    if (!BINDING.includes(old.status))
      throw ContractException.invalidTerms(
        `replacesContractId: only an approved or active contract can be amended or replaced (it is ${old.status})`,
        { field: 'replacesContractId' },
      );
  }

  /**
   * Inside the approval's transaction, before the contract becomes approved: refuses (409) when
   * another binding contract overlaps, and ends the one it amends or replaces (terminated now if the
   * new term has started, else cut to end the day before it starts). Serialised per organisation and
   * tier, so of two concurrent approvals of overlapping contracts the second sees the first.
   */
  async settleBeforeApproval(
    em: EntityManager,
    contract: Contract,
    actorUserId: string,
    now: Date,
  ): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('contract-overlap'), hashtext($1))`, [
      `${contract.organizationId}:${contract.tier}`,
    ]);
    const blocking = (await this.overlapping(em, contract)).filter((o) => o.blocking);
    if (blocking.length) throw ContractException.overlap(blocking);
    if (!contract.replacesContractId) return;
    const old = await em.findOne(Contract, {
      where: { id: contract.replacesContractId, organizationId: contract.organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!old || !BINDING.includes(old.status)) return; // already ended: nothing left to end
    const reason = `${contract.relation ?? 'replacement'}: replaced by contract ${contract.id}`;
    if (contract.termStart <= utcToday(now) || old.termStart >= contract.termStart) {
      await moveContract(em, this.activity, old, ContractStatus.Terminated, actorUserId, reason);
      return;
    }
    if (old.termEnd < contract.termStart) return;
    const before = old.termEnd;
    old.termEnd = dayBefore(contract.termStart);
    await em.save(old);
    await this.activity.record({
      actorUserId,
      organizationId: old.organizationId,
      action: 'contract.term_shortened',
      subjectType: 'Contract',
      subjectId: old.id,
      reason,
      details: { termEndBefore: before, termEndAfter: old.termEnd, replacedBy: contract.id },
    });
  }
}
