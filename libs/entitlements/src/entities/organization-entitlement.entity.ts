import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Materialised result of the engine: this organisation has this gated tier unlocked. */
@Entity({ name: 'organization_entitlements' })
export class OrganizationEntitlement {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @PrimaryColumn({ type: 'text' })
  tier: string;

  @Column({ name: 'unlocked_at', type: 'timestamptz' })
  unlockedAt: Date;

  /** When this entitlement lapses by itself (the end of the covering contract's term); never when null. */
  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;
}

/** The last evaluation of an organisation: when, why, and what it unlocked. */
@Entity({ name: 'entitlement_evaluations' })
export class EntitlementEvaluation {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'unlocked_tiers', type: 'text', array: true })
  unlockedTiers: string[];

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'evaluated_at', type: 'timestamptz' })
  evaluatedAt: Date;

  /** Per locked gated tier: the refusal the gateway answers with (code and message). */
  @Column({ type: 'jsonb', nullable: true })
  refusals: Record<string, { code: string; message: string }> | null;
}
