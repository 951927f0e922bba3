import { bigintTransformer, type Micros } from '@velvet/common';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Where an organisation's budget alerts go besides its admins' inboxes. */
@Entity({ name: 'budget_alert_settings' })
export class BudgetAlertSettings {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl: string | null;

  /** Signs the webhook body (HMAC-SHA256); shown once when made, never returned again. */
  @Column({ name: 'webhook_secret', type: 'text', nullable: true, select: false })
  webhookSecret: string | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export type BudgetScope = 'organization' | 'team' | 'api_key';

/** One threshold of one cap crossed in one month: unique, so each goes out once. */
@Entity({ name: 'budget_alerts' })
export class BudgetAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  scope: BudgetScope;

  @Column({ name: 'scope_id', type: 'uuid' })
  scopeId: string;

  /** The calendar month (UTC), `YYYYMM`. */
  @Column({ type: 'text' })
  period: string;

  /** Percent of the cap: 50, 80 or 100. */
  @Column({ type: 'integer' })
  threshold: number;

  @Column({ name: 'cap_micros', type: 'bigint', transformer: bigintTransformer })
  capMicros: Micros;

  @Column({ name: 'spent_micros', type: 'bigint', transformer: bigintTransformer })
  spentMicros: Micros;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'emailed_at', type: 'timestamptz', nullable: true })
  emailedAt: Date | null;

  @Column({ name: 'webhook_delivered_at', type: 'timestamptz', nullable: true })
  webhookDeliveredAt: Date | null;
}
