import { bigintTransformer, type Micros } from '@velvet/common';
import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A limit an org admin set for the organisation (team and key null), one team, or one key. Apart
 * from `rate_limits` (provider staff, security throttles): the gateway enforces the lower of the
 * two at each level. A null field sets no customer limit for it.
 */
@Entity({ name: 'customer_limits' })
export class CustomerLimit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'requests_per_minute', type: 'integer', nullable: true })
  requestsPerMinute: number | null;

  @Column({ name: 'tokens_per_minute', type: 'integer', nullable: true })
  tokensPerMinute: number | null;

  /** Per calendar month (UTC), in micro-units of the catalog currency. */
  @Column({
    name: 'spend_cap_micros',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  spendCapMicros: Micros | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
