import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One version of an unlock rule: who, why, the rule before and after, when it takes effect, and
 * whether organisations with active contracts keep access until their term ends. Append-only, except
 * that `appliedAt` is set once the change took effect.
 */
@Entity({ name: 'unlock_rule_changes' })
export class UnlockRuleChange {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb' })
  after: Record<string, unknown>;

  @CreateDateColumn({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;

  /** The rule's version this change produces. */
  @Column({ type: 'integer', nullable: true })
  version: number | null;

  @Column({ name: 'effective_at', type: 'timestamptz' })
  effectiveAt: Date;

  /** Null while scheduled. */
  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt: Date | null;

  /** Organisations with an active contract that would lose access keep it until their term ends. */
  @Column({ type: 'boolean', default: false })
  grandfather: boolean;

  /** The preview as saved: who would gain, lose, or be grandfathered. */
  @Column({ type: 'jsonb', nullable: true })
  impact: Record<string, unknown> | null;
}

/** An organisation kept on the rule before `changeId` until its contract's term ends. */
@Entity({ name: 'unlock_rule_grandfathering' })
export class UnlockRuleGrandfathering {
  @PrimaryColumn({ name: 'change_id', type: 'uuid' })
  changeId: string;

  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'contract_id', type: 'uuid' })
  contractId: string;

  /** Last day (inclusive, UTC) of the kept access: the contract's term end. */
  @Column({ type: 'date' })
  until: string;
}
