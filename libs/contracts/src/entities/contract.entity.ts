import { bigintTransformer, type Micros } from '@velvet/common';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

export enum ContractStatus {
  Draft = 'draft',
  Submitted = 'submitted',
  ChangesRequested = 'changes_requested',
  Approved = 'approved',
  Rejected = 'rejected',
  Active = 'active',
  Expired = 'expired',
  Terminated = 'terminated',
}

export enum ContractRelation {
  Amendment = 'amendment',
  Replacement = 'replacement',
}

/**
 * A commitment: the organisation spends at least `minSpendMicros` per period of `periodMonths`
 * months from `termStart` to `termEnd` (inclusive UTC dates), and in return the tier is covered.
 */
@Entity({ name: 'contracts' })
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'min_spend_micros', type: 'bigint', transformer: bigintTransformer })
  minSpendMicros: Micros;

  @Column({ name: 'period_months', type: 'integer' })
  periodMonths: number;

  /** `YYYY-MM-DD`, UTC. */
  @Column({ name: 'term_start', type: 'date' })
  termStart: string;

  /** `YYYY-MM-DD`, UTC, inclusive: the contract lapses at the start of the next day. */
  @Column({ name: 'term_end', type: 'date' })
  termEnd: string;

  @Column({ type: 'text' })
  currency: string;

  /** Days the organisation's prompt and completion texts may be kept while this contract is active; none when null. */
  @Column({ name: 'text_retention_days', type: 'integer', nullable: true })
  textRetentionDays: number | null;

  @Column({ type: 'text' })
  status: ContractStatus;

  /** From the tier's rule: 2 when the minimum is above its dual-approval amount; never lowered once submitted. */
  @Column({ name: 'required_approvals', type: 'integer', default: 1 })
  requiredApprovals: number;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  @Column({ name: 'amended_by', type: 'uuid', nullable: true })
  amendedBy: string | null;

  /** Everyone who requested, edited or submitted any version: none of them may approve it (four-eyes). */
  @Column({ name: 'review_contributors', type: 'uuid', array: true, default: () => "'{}'" })
  reviewContributors: string[];

  @Column({ name: 'review_round', type: 'integer', default: 0 })
  reviewRound: number;

  /** The requester's Idempotency-Key, unique per organisation: a retried request is answered with this contract. */
  @Column({ name: 'request_key', type: 'text', nullable: true, select: true })
  requestKey: string | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /**
   * The earlier contract this one amends or replaces. Approving it ends that one (at once, or the day
   * before this term starts), so only one contract per tier is ever binding on a given day.
   */
  @Column({ name: 'replaces_contract_id', type: 'uuid', nullable: true })
  replacesContractId: string | null;

  @Column({ type: 'text', nullable: true })
  relation: ContractRelation | null;

  /** Optimistic lock: a stale writer fails instead of overwriting. */
  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
