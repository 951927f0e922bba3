import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Action,
  type AppAbility,
  assertCan,
  scopedWhere,
  type UserPrincipal,
} from '@velvet/access';
import { AdminActivityLog, NotFoundError, type Page } from '@velvet/common';
import { tierGated } from '@velvet/catalog';
import { dualApprovalAboveMicros, EntitlementsScheduler } from '@velvet/entitlements';
import { organizationStanding } from '@velvet/organizations';
import type { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { assertTermsCurrent, assertValidTerms, type ContractTerms } from './contract-terms';
import { moveContract } from './contract-transitions';
import { ContractApproval } from './entities/contract-approval.entity';
import { ContractTransition } from './entities/contract-transition.entity';
import { ContractOverlaps, type OverlapView } from './contract-overlaps';
import { Contract, type ContractRelation, ContractStatus } from './entities/contract.entity';
import { ContractException } from './contracts.exception';
import { noteContributor, requiredApprovalsAfterChange } from './four-eyes';

/** A request that amends or replaces an earlier binding contract (ended when this one is approved). */
export interface ContractLink {
  replacesContractId: string;
  relation: ContractRelation;
}

export interface ContractFilter {
  organizationId?: string;
  status?: ContractStatus;
}

const EDITABLE: ContractStatus[] = [
  ContractStatus.Draft,
  ContractStatus.ChangesRequested,
  ContractStatus.Submitted,
];

/** Requesting, editing and reading contracts. Review decisions live in ContractReviewService. */
@Injectable()
export class ContractsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly entitlements: EntitlementsScheduler,
    private readonly overlaps: ContractOverlaps,
  ) {}

  /** A new draft (or, with `submit`, a submitted request) for `organizationId`. */
  async create(
    ability: AppAbility,
    principal: UserPrincipal,
    organizationId: string,
    terms: ContractTerms,
    notes: string | null,
    submit: boolean,
    requestKey: string | null = null,
    link: ContractLink | null = null,
  ) {
    assertCan(ability, Action.Create, 'Contract', { organizationId });
    assertValidTerms(terms);
    assertTermsCurrent(terms, new Date());
    const contract = await this.dataSource.transaction(async (em) => {
      await this.assertGatedTier(em, terms.tier);
      if (!(await organizationStanding(em, organizationId)))
        throw new NotFoundError('Organization');
      if (link) await this.overlaps.assertReplaceable(em, organizationId, link.replacesContractId);
      if (requestKey) {
        // a retry waits for the first attempt, then gets its contract
        await em.query(`SELECT pg_advisory_xact_lock(hashtext('contract-request'), hashtext($1))`, [
          `${organizationId}:${requestKey}`,
        ]);
        const first = await em.findOne(Contract, { where: { organizationId, requestKey } });
        if (first) {
          if (!sameTerms(first, terms)) throw ContractException.requestKeyReused();
          return first;
        }
      }
      const draft = await em.save(
        em.create(Contract, {
          ...terms,
          organizationId,
          notes,
          status: ContractStatus.Draft,
          requestedBy: principal.userId,
          reviewContributors: [principal.userId],
          requestKey,
          replacesContractId: link?.replacesContractId ?? null,
          relation: link?.relation ?? null,
        }),
      );
      await em.insert(ContractTransition, {
        contractId: draft.id,
        organizationId,
        fromStatus: null,
        toStatus: ContractStatus.Draft,
        actorUserId: principal.userId,
        reason: null,
      });
      await this.activity.record({
        actorUserId: principal.userId,
        organizationId,
        action: 'contract.draft',
        subjectType: 'Contract',
        subjectId: draft.id,
        details: {
          tier: terms.tier,
          minSpendMicros: terms.minSpendMicros.toString(),
          currency: terms.currency,
        },
      });
      return submit ? this.submitLocked(em, draft, principal.userId) : draft;
    });
    await this.entitlements.requestEvaluation(organizationId, 'contract requested');
    return contract;
  }

  /** Changes terms: the requester's side while draft or returned, an account manager's amendment while under review. */
  async update(
    ability: AppAbility,
    principal: UserPrincipal,
    id: string,
    changes: Partial<ContractTerms> & { notes?: string | null },
    expectedVersion?: number,
  ) {
    return this.dataSource.transaction(async (em) => {
      const contract = await this.lockVisible(em, ability, id);
      assertCan(ability, Action.Update, 'Contract', contract);
      if (expectedVersion !== undefined && expectedVersion !== contract.version)
        throw ContractException.staleVersion();
      if (!EDITABLE.includes(contract.status))
        throw ContractException.invalidTransition(contract.status, 'changed');
      const amending = contract.status === ContractStatus.Submitted;
      if (amending && principal.organizationId !== null)
        throw ContractException.invalidTransition(contract.status, 'changed by the customer');
      const terms: ContractTerms = { ...pickTerms(contract), ...definedOnly(changes) };
      assertValidTerms(terms);
      assertTermsCurrent(terms, new Date());
      if (terms.tier !== contract.tier) await this.assertGatedTier(em, terms.tier);
      Object.assign(contract, terms, changes.notes !== undefined ? { notes: changes.notes } : {});
      // staff who shaped the terms may not approve them (like the requester)
      if (principal.organizationId === null) contract.amendedBy = principal.userId;
      noteContributor(contract, principal.userId);
      if (!amending) return em.save(contract);
      // an amendment under review voids earlier approvals and never lowers the bar
      contract.reviewRound += 1;
      contract.requiredApprovals = requiredApprovalsAfterChange(
        contract,
        await this.requiredApprovals(em, contract),
      );
      return moveContract(
        em,
        this.activity,
        contract,
        ContractStatus.Submitted,
        principal.userId,
        'amended under review',
      );
    });
  }

  async submit(ability: AppAbility, principal: UserPrincipal, id: string) {
    const contract = await this.dataSource.transaction(async (em) => {
      const c = await this.lockVisible(em, ability, id);
      assertCan(ability, Action.Update, 'Contract', c);
      if (c.status !== ContractStatus.Draft && c.status !== ContractStatus.ChangesRequested) {
        throw ContractException.invalidTransition(c.status, 'submitted');
      }
      assertTermsCurrent(c, new Date());
      return this.submitLocked(em, c, principal.userId);
    });
    await this.entitlements.requestEvaluation(contract.organizationId, 'contract submitted');
    return contract;
  }

  async list(
    ability: AppAbility,
    filter: ContractFilter,
    limit: number,
    offset: number,
  ): Promise<Page<Contract>> {
    const where = scopedWhere<Contract>(
      ability,
      Action.Read,
      'Contract',
      definedOnly(filter) as FindOptionsWhere<Contract>,
    );
    if (!where) return { items: [], total: 0, limit, offset };
    const [items, total] = await this.dataSource
      .getRepository(Contract)
      .findAndCount({ where, order: { createdAt: 'DESC' }, take: limit, skip: offset });
    return { items, total, limit, offset };
  }

  async get(
    ability: AppAbility,
    id: string,
  ): Promise<{ contract: Contract; approvals: ContractApproval[]; overlapping: OverlapView[] }> {
    const contract = await this.findVisible(this.dataSource.manager, ability, id);
    const approvals = await this.dataSource.getRepository(ContractApproval).find({
      where: { contractId: id, round: contract.reviewRound },
      order: { approvedAt: 'ASC' },
    });
    // the same organisation's contracts, so visible to whoever sees this one
    const overlapping = await this.overlaps.overlapping(this.dataSource.manager, contract);
    return { contract, approvals, overlapping };
  }

  /** Other open contracts of the organisation for the same tier whose terms overlap `contract`'s. */
  overlapping(contract: Contract): Promise<OverlapView[]> {
    return this.overlaps.overlapping(this.dataSource.manager, contract);
  }

  async transitions(ability: AppAbility, id: string): Promise<ContractTransition[]> {
    await this.findVisible(this.dataSource.manager, ability, id);
    return this.dataSource
      .getRepository(ContractTransition)
      .find({ where: { contractId: id }, order: { id: 'ASC' } });
  }

  async findVisible(em: EntityManager, ability: AppAbility, id: string): Promise<Contract> {
    const where = scopedWhere<Contract>(ability, Action.Read, 'Contract', { id });
    const contract = where && (await em.findOne(Contract, { where }));
    if (!contract) throw new NotFoundError('Contract');
    return contract;
  }

  /** Visible to the caller, then locked for the rest of the transaction (concurrent writers queue up). */
  async lockVisible(em: EntityManager, ability: AppAbility, id: string): Promise<Contract> {
    await this.findVisible(em, ability, id);
    return em.findOneOrFail(Contract, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  private async submitLocked(
    em: EntityManager,
    contract: Contract,
    actorUserId: string,
  ): Promise<Contract> {
    contract.reviewRound += 1;
    noteContributor(contract, actorUserId);
    contract.requiredApprovals = requiredApprovalsAfterChange(
      contract,
      await this.requiredApprovals(em, contract),
    );
    return moveContract(em, this.activity, contract, ContractStatus.Submitted, actorUserId, null);
  }

  /** Four-eyes above the tier rule's amount (no rule: always four-eyes, the safe side). */
  private async requiredApprovals(em: EntityManager, contract: Contract): Promise<number> {
    const above = await dualApprovalAboveMicros(em, contract.tier);
    return above === null || contract.minSpendMicros > above ? 2 : 1;
  }

  private async assertGatedTier(em: EntityManager, tier: string): Promise<void> {
    if (!(await tierGated(em, tier)))
      throw ContractException.invalidTerms(`tier ${tier} is not a gated tier`, { field: 'tier' });
  }
}

const sameTerms = (c: Contract, t: ContractTerms): boolean =>
  c.tier === t.tier &&
  c.minSpendMicros === t.minSpendMicros &&
  c.periodMonths === t.periodMonths &&
  c.termStart === t.termStart &&
  c.termEnd === t.termEnd &&
  c.currency === t.currency &&
  c.textRetentionDays === (t.textRetentionDays ?? null);

const pickTerms = (c: Contract): ContractTerms => ({
  tier: c.tier,
  minSpendMicros: c.minSpendMicros,
  periodMonths: c.periodMonths,
  termStart: c.termStart,
  termEnd: c.termEnd,
  currency: c.currency,
  textRetentionDays: c.textRetentionDays,
});

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
