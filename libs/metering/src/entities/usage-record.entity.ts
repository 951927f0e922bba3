import { bigintTransformer, type Micros } from '@velvet/common';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum UsageStatus {
  Succeeded = 'succeeded',
  Failed = 'failed',
  /** The client left mid-stream: charged for the prompt and the text it was sent. */
  Cancelled = 'cancelled',
}

/** Statuses whose cost counts as spend (statements, unlock thresholds, spend history). */
export const BILLED_USAGE_STATUSES = [UsageStatus.Succeeded, UsageStatus.Cancelled] as const;

/**
 * One metered gateway call. `requestId` is unique: a retried call (same idempotency key)
 * lands on the same row, so it is counted once. Failed upstream calls cost zero.
 */
@Entity({ name: 'usage_records' })
export class UsageRecord {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ name: 'request_id', type: 'text', unique: true })
  requestId: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'api_key_id', type: 'uuid' })
  apiKeyId: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  /** The model's tier when the call was made (tiers of a model may change later). */
  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'input_tokens', type: 'integer' })
  inputTokens: number;

  @Column({ name: 'output_tokens', type: 'integer' })
  outputTokens: number;

  @Column({ name: 'cost_micros', type: 'bigint', transformer: bigintTransformer })
  costMicros: Micros;

  @Column({ type: 'text' })
  currency: string;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs: number;

  @Column({ type: 'text' })
  status: UsageStatus;

  @Column({ type: 'boolean', default: false })
  streamed: boolean;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
