import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AppAbility, UserPrincipal } from '@velvet/access';
import { AdminActivityLog } from '@velvet/common';
import { EntitlementsScheduler, ImmediateEvaluation } from '@velvet/entitlements';
import type { DataSource } from 'typeorm';
import { ContractOverlaps } from './contract-overlaps';
import { ContractRetentionService } from './contract-retention.service';
import { assertTermNotOver, utcToday } from './contract-terms';
import { moveContract } from './contract-transitions';
import { ContractApproval } from './entities/contract-approval.entity';
import { type Contract, ContractStatus } from './entities/contract.entity';
import { ContractException } from './contracts.exception';
import { ContractsService } from './contracts.service';
import { countingApprovals, isContributor } from './four-eyes';

export interface ApprovalOutcome {
  contract: Contract;
  approvals: number;
  requiredApprovals: number;
}

/**
 * Account managers' decisions. Every decision locks the contract row first, so of two
 * concurrent decisions on one contract exactly one applies and the other sees its result.
 */
@Injectable()
export class ContractReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly contracts: ContractsService,
    private readonly entitlements: EntitlementsScheduler,
    private readonly retention: ContractRetentionService,
    private readonly immediate: ImmediateEvaluation,
    private readonly overlaps: ContractOverlaps,
  ) {}

  async approve(
    ability: AppAbility,
    reviewer: UserPrincipal,
    id: string,
    reason: string | null,
    now = new Date(),
  ): Promise<ApprovalOutcome> {
    const outcome = await this.dataSource.transaction(async (em) => {
      const contract = await this.contracts.lockVisible(em, ability, id);
      if (contract.status !== ContractStatus.Submitted)
        throw ContractException.invalidTransition(contract.status, 'approved');
      // a request can wait in the queue until its term is over: never approve a past term
      assertTermNotOver(contract, now);
      if (reviewer.organizationId !== null && reviewer.organizationId === contract.organizationId)
        throw ContractException.ownOrganization();
      if (isContributor(contract, reviewer.userId)) throw ContractException.selfApproval();
      const round = contract.reviewRound;
      const inserted: unknown[] = await em.query(
        `INSERT INTO contract_approvals (contract_id, round, approver_id, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING contract_id`,
        [id, round, reviewer.userId, reason],
      );
      if (inserted.length === 0) throw ContractException.alreadyApproved();
      const rows = await em.find(ContractApproval, { where: { contractId: id, round } });
      const approvals = countingApprovals(
        contract,
        rows.map((r) => r.approverId),
      );
      if (approvals < contract.requiredApprovals) {
        await this.activity.record({
          actorUserId: reviewer.userId,
          organizationId: contract.organizationId,
          action: 'contract.approval_recorded',
          subjectType: 'Contract',
          subjectId: id,
          reason,
          details: { approvals, requiredApprovals: contract.requiredApprovals },
        });
        return { contract, approvals, requiredApprovals: contract.requiredApprovals };
      }
      // No second binding contract for the same tier and days; ends the one it replaces
      await this.overlaps.settleBeforeApproval(em, contract, reviewer.userId, now);
      let moved = await moveContract(
        em,
        this.activity,
        contract,
        ContractStatus.Approved,
        reviewer.userId,
        reason,
      );
      // approved on or after its start: active at once rather than at the next sweep
      const today = utcToday(now);
      if (moved.termStart <= today && moved.termEnd >= today) {
        moved = await moveContract(
          em,
          this.activity,
          moved,
          ContractStatus.Active,
          null,
          'term started',
        );
      }
      return { contract: moved, approvals, requiredApprovals: contract.requiredApprovals };
    });
    if (outcome.contract.status === ContractStatus.Active)
      await this.retention.sync(outcome.contract.organizationId);
    await this.entitlements.requestEvaluation(outcome.contract.organizationId, 'contract approved');
    return outcome;
  }

  reject(
    ability: AppAbility,
    reviewer: UserPrincipal,
    id: string,
    reason: string,
  ): Promise<Contract> {
    return this.decide(ability, reviewer, id, ContractStatus.Rejected, reason);
  }

  requestChanges(
    ability: AppAbility,
    reviewer: UserPrincipal,
    id: string,
    reason: string,
  ): Promise<Contract> {
    return this.decide(ability, reviewer, id, ContractStatus.ChangesRequested, reason);
  }

  terminate(
    ability: AppAbility,
    reviewer: UserPrincipal,
    id: string,
    reason: string,
  ): Promise<Contract> {
    return this.decide(ability, reviewer, id, ContractStatus.Terminated, reason);
  }

  private async decide(
    ability: AppAbility,
    reviewer: UserPrincipal,
    id: string,
    to: ContractStatus,
    reason: string,
  ): Promise<Contract> {
    const contract = await this.dataSource.transaction(async (em) => {
      const c = await this.contracts.lockVisible(em, ability, id);
      if (reviewer.organizationId !== null && reviewer.organizationId === c.organizationId)
        throw ContractException.ownOrganization();
      return moveContract(em, this.activity, c, to, reviewer.userId, reason);
    });
    if (to === ContractStatus.Terminated) {
      // removes access: through the same immediate push path as a suspension, before answering
      await this.immediate.apply(contract.organizationId, 'contract terminated');
      await this.retention.sync(contract.organizationId);
    } else await this.entitlements.requestEvaluation(contract.organizationId, `contract ${to}`);
    return contract;
  }
}
