import { bigintTransformer, type Micros } from '@velvet/common';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A limit override for an organisation (`apiKeyId` null) or for one of its keys. A null field
 * means "use the gateway default"; limits are set by provider staff or by the detection engine
 * (throttling a suspicious key), and every row says who set it and why.
 */
@Entity({ name: 'rate_limits' })
export class RateLimit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'requests_per_minute', type: 'integer', nullable: true })
  requestsPerMinute: number | null;

  @Column({ name: 'tokens_per_minute', type: 'integer', nullable: true })
  tokensPerMinute: number | null;

  /** Spend cap per calendar month (UTC), in micro-units of the catalog currency. */
  @Column({
    name: 'spend_cap_micros',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  spendCapMicros: Micros | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
