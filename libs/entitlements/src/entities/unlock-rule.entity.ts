import { bigintTransformer, type Micros } from '@velvet/common';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What a gated tier asks of an organisation before its models unlock. Data, edited by the
 * platform admin; every change is kept in `unlock_rule_changes` with who and why.
 */
@Entity({ name: 'unlock_rules' })
export class UnlockRule {
  @PrimaryColumn({ type: 'text' })
  tier: string;

  /** An active contract whose tier covers this one. */
  @Column({ name: 'requires_contract', type: 'boolean', default: true })
  requiresContract: boolean;

  /** Qualifying spend (on non-gated tiers, in `currency`) over the trailing window; 0 = no spend condition. */
  @Column({ name: 'min_qualifying_spend_micros', type: 'bigint', transformer: bigintTransformer })
  minQualifyingSpendMicros: Micros;

  @Column({ name: 'spend_window_days', type: 'integer', default: 90 })
  spendWindowDays: number;

  @Column({ type: 'text', default: 'USD' })
  currency: string;

  @Column({ name: 'requires_verified', type: 'boolean', default: true })
  requiresVerified: boolean;

  @Column({ name: 'requires_not_suspended', type: 'boolean', default: true })
  requiresNotSuspended: boolean;

  /** 0 = no account-age condition. */
  @Column({ name: 'min_account_age_days', type: 'integer', default: 0 })
  minAccountAgeDays: number;

  /** Contracts for this tier with a minimum per period above this need two distinct approvers. */
  @Column({ name: 'dual_approval_above_micros', type: 'bigint', transformer: bigintTransformer })
  dualApprovalAboveMicros: Micros;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
