import { Column, Entity, PrimaryColumn } from 'typeorm';

const asNumber = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
const asHex = {
  to: (v: string | null) => (v === null ? null : Buffer.from(v, 'hex')),
  from: (v: Buffer | null) => (v ? v.toString('hex') : null),
};

/**
 * A row of the append-only audit log, for reading only: the worker appends with SQL in
 * AuditLogWriter, and the database refuses updates and deletes.
 */
@Entity({ name: 'audit_log' })
export class AuditRecord {
  @PrimaryColumn({ type: 'bigint', transformer: asNumber }) seq: number;
  @Column({ name: 'event_id', type: 'text', unique: true }) eventId: string;
  @Column({ type: 'text' }) kind: 'premium_call' | 'admin_action';
  @Column({ name: 'organization_id', type: 'uuid', nullable: true }) organizationId: string | null;
  @Column({ name: 'api_key_id', type: 'uuid', nullable: true }) apiKeyId: string | null;
  @Column({ name: 'user_id', type: 'uuid', nullable: true }) userId: string | null;
  @Column({ name: 'model_id', type: 'uuid', nullable: true }) modelId: string | null;
  @Column({ name: 'model_slug', type: 'text', nullable: true }) modelSlug: string | null;
  @Column({ type: 'text', nullable: true }) tier: string | null;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
  @Column({ name: 'enqueued_at', type: 'timestamptz' }) enqueuedAt: Date;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ name: 'client_ip', type: 'text', nullable: true }) clientIp: string | null;
  @Column({ name: 'user_agent', type: 'text', nullable: true }) userAgent: string | null;
  @Column({ type: 'jsonb', nullable: true }) params: Record<string, unknown> | null;
  @Column({ name: 'input_tokens', type: 'integer', nullable: true }) inputTokens: number | null;
  @Column({ name: 'output_tokens', type: 'integer', nullable: true }) outputTokens: number | null;
  @Column({ name: 'latency_ms', type: 'integer', nullable: true }) latencyMs: number | null;
  @Column({ type: 'text', nullable: true }) status: string | null;
  @Column({ name: 'finish_reason', type: 'text', nullable: true }) finishReason: string | null;
  @Column({ type: 'text', array: true }) flags: string[];
  @Column({ name: 'prompt_sha256', type: 'bytea', nullable: true, transformer: asHex })
  promptSha256: string | null;
  @Column({ name: 'completion_sha256', type: 'bytea', nullable: true, transformer: asHex })
  completionSha256: string | null;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId: string | null;
  @Column({ type: 'text', nullable: true }) action: string | null;
  @Column({ name: 'subject_type', type: 'text', nullable: true }) subjectType: string | null;
  @Column({ name: 'subject_id', type: 'text', nullable: true }) subjectId: string | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'jsonb', nullable: true }) details: Record<string, unknown> | null;
  @Column({ type: 'text' }) leaf: string;
  @Column({ name: 'leaf_hash', type: 'bytea', transformer: asHex }) leafHash: string;
}
