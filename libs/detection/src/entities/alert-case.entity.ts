import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ScoredDetector } from '../scoring/risk-combiner';
import type { BenignExplanation } from '../cases/benign-explanations';

export enum AlertCaseStatus {
  Open = 'open',
  Acknowledged = 'acknowledged',
  Escalated = 'escalated',
  Dismissed = 'dismissed',
  Resolved = 'resolved',
}

export const LIVE_CASE_STATUSES: readonly AlertCaseStatus[] = [
  AlertCaseStatus.Open,
  AlertCaseStatus.Acknowledged,
  AlertCaseStatus.Escalated,
];

/** A key the detectors flagged inside the organisation's case. */
export interface FlaggedKey {
  apiKeyId: string;
  score: number;
  level: string;
  drivers: string[];
  firstDetectedAt: string;
  lastDetectedAt: string;
}

/** One organisation's suspected distillation, as a security reviewer works it. */
@Entity({ name: 'alert_cases' })
export class AlertCase {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  status: AlertCaseStatus;

  @Column({ type: 'text' })
  level: string;

  /** The highest of the organisation's and its keys' current risk. */
  @Column({ name: 'risk_score', type: 'double precision' })
  riskScore: number;

  @Column({ name: 'peak_score', type: 'double precision' })
  peakScore: number;

  @Column({ name: 'organization_score', type: 'double precision' })
  organizationScore: number;

  @Column({ type: 'text', array: true })
  drivers: string[];

  /** The organisation-level detector verdicts of the latest detection. */
  @Column({ type: 'jsonb' })
  evidence: ScoredDetector[];

  /** Innocent readings of the same traffic, with the evidence for and against each (the reviewer decides). */
  @Column({ name: 'benign_explanations', type: 'jsonb', default: () => "'[]'" })
  benignExplanations: BenignExplanation[];

  @Column({ name: 'flagged_keys', type: 'jsonb' })
  flaggedKeys: FlaggedKey[];

  @Column({ name: 'first_detected_at', type: 'timestamptz' })
  firstDetectedAt: Date;

  @Column({ name: 'last_detected_at', type: 'timestamptz' })
  lastDetectedAt: Date;

  @Column({ name: 'assignee_user_id', type: 'uuid', nullable: true })
  assigneeUserId: string | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'resolution_reason', type: 'text', nullable: true })
  resolutionReason: string | null;

  @Column({ type: 'integer' })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
