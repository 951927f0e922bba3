import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The case's own history, shown to reviewers; the same actions also go to the tamper-evident audit log. */
@Entity({ name: 'alert_case_events' })
export class AlertCaseEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** opened, acknowledged, escalated, dismissed, resolved, throttled, suspended, restored. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;
}
