import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AlertCaseStatus } from '@velvet/detection';
import {
  DateTimeProperty,
  JsonObjectProperty,
  pageOf,
  StringListProperty,
} from '../http/openapi-views';

/** Response schemas of the security routes (alert cases, risk scores, provenance, throttles, runs). */

export class DetectorEvidenceView {
  @ApiProperty()
  detector: string;
  @ApiProperty({ minimum: 0, maximum: 1 })
  score: number;
  @ApiProperty()
  weight: number;
  @ApiProperty({ description: 'One sentence a reviewer reads in the case' })
  summary: string;
  @JsonObjectProperty({ description: 'Numbers, strings or null per metric name' })
  metrics: Record<string, number | string | null>;
  @StringListProperty({ required: false })
  implicatedKeyIds?: string[];
  @ApiPropertyOptional({ description: 'The suppression that muted this detector' })
  suppressedBy?: string;
  @ApiPropertyOptional({ description: 'A suppression new signals lifted' })
  suppressionLifted?: string;
}

export class BenignExplanationView {
  @ApiProperty()
  explanation: string;
  @ApiProperty({ minimum: 0, maximum: 1 })
  fit: number;
  @StringListProperty()
  for: string[];
  @StringListProperty()
  against: string[];
}

export class FlaggedKeyView {
  @ApiProperty({ format: 'uuid' })
  apiKeyId: string;
  @ApiProperty()
  score: number;
  @ApiProperty()
  level: string;
  @StringListProperty()
  drivers: string[];
  @DateTimeProperty()
  firstDetectedAt: string;
  @DateTimeProperty()
  lastDetectedAt: string;
}

export class AlertCaseView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ enum: AlertCaseStatus, enumName: 'AlertCaseStatus' })
  status: AlertCaseStatus;
  @ApiProperty()
  level: string;
  @ApiProperty()
  riskScore: number;
  @ApiProperty()
  peakScore: number;
  @ApiProperty()
  organizationScore: number;
  @StringListProperty()
  drivers: string[];
  @ApiProperty({ type: [DetectorEvidenceView] })
  evidence: DetectorEvidenceView[];
  @ApiProperty({ type: [BenignExplanationView] })
  benignExplanations: BenignExplanationView[];
  @ApiProperty({ type: [FlaggedKeyView] })
  flaggedKeys: FlaggedKeyView[];
  @DateTimeProperty()
  firstDetectedAt: Date;
  @DateTimeProperty()
  lastDetectedAt: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assigneeUserId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  closedBy: string | null;
  @DateTimeProperty({ nullable: true })
  closedAt: Date | null;
  @ApiProperty({ type: String, nullable: true })
  resolutionReason: string | null;
  @ApiProperty({ type: 'integer' })
  version: number;
  @DateTimeProperty()
  createdAt: Date;
  @DateTimeProperty()
  updatedAt: Date;
}

export const AlertCasePage = pageOf(AlertCaseView);

export class CaseEventView {
  @ApiProperty()
  id: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({
    description: 'opened, acknowledged, escalated, dismissed, resolved, throttled, …',
  })
  kind: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorUserId: string | null;
  @ApiProperty({ type: String, nullable: true })
  reason: string | null;
  @JsonObjectProperty({ nullable: true })
  details: Record<string, unknown> | null;
  @DateTimeProperty()
  occurredAt: Date;
}

export class AlertCaseDetailView {
  @ApiProperty({ type: AlertCaseView })
  case: AlertCaseView;
  @ApiProperty({ type: [CaseEventView] })
  events: CaseEventView[];
}

export class RiskScoreView {
  @ApiProperty({ enum: ['organization', 'api_key'] })
  subjectType: 'organization' | 'api_key';
  @ApiProperty({ format: 'uuid' })
  subjectId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;
  @DateTimeProperty()
  windowStart: Date;
  @DateTimeProperty()
  windowEnd: Date;
  @ApiProperty({ type: 'integer' })
  calls: number;
  @ApiProperty()
  score: number;
  @ApiProperty()
  level: string;
  @StringListProperty()
  drivers: string[];
  @ApiProperty({ description: 'The detector verdicts of the window (JSON)' })
  detectors: unknown;
}

export class ProvenanceMatchView {
  @ApiProperty()
  seq: string;
  @ApiProperty()
  requestId: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ type: String, nullable: true })
  organizationName: string | null;
  @ApiProperty({ format: 'uuid' })
  apiKeyId: string;
  @ApiProperty({ type: String, nullable: true })
  apiKeyName: string | null;
  @ApiProperty({ type: String, nullable: true })
  modelSlug: string | null;
  @DateTimeProperty()
  occurredAt: Date;
  @ApiProperty({ description: 'Estimated Jaccard similarity of word 3-gram sets (MinHash)' })
  similarity: number;
  @ApiProperty({ description: 'Estimated Jaccard similarity of content-word sets' })
  wordSimilarity: number;
  @ApiProperty()
  exact: boolean;
}

export class ProvenanceResultView {
  @ApiProperty({ type: 'integer' })
  candidatesExamined: number;
  @ApiProperty({ type: [ProvenanceMatchView] })
  matches: ProvenanceMatchView[];
}

export class DetectionRunView {
  @ApiProperty()
  jobId: string;
  @DateTimeProperty({ nullable: true })
  asOf: string | null;
}

/** What a completed detection run did (the job's return value). */
export class DetectionRunSummaryView {
  @DateTimeProperty()
  asOf: string;
  @DateTimeProperty()
  windowStart: string;
  @ApiProperty({ type: 'integer' })
  organizations: number;
  @ApiProperty({
    type: 'integer',
    description: 'Organisations left for the next run because the time budget ran out',
  })
  organizationsDeferred: number;
  @ApiProperty({ type: 'integer' })
  keys: number;
  @ApiProperty({ type: 'integer' })
  alerting: number;
  @ApiProperty({ type: 'integer' })
  casesOpened: number;
  @ApiProperty({ type: 'integer' })
  casesRefreshed: number;
  @ApiProperty({ type: 'integer' })
  bandsPurged: number;
  @ApiProperty({ type: 'integer' })
  durationMs: number;
}

export class DetectionRunStatusView {
  @ApiProperty()
  jobId: string;
  @ApiProperty({ description: 'BullMQ job state: waiting, active, completed, failed, …' })
  state: string;
  @ApiProperty({
    type: DetectionRunSummaryView,
    nullable: true,
    description: 'The run summary once completed',
  })
  result: DetectionRunSummaryView | null;
  @ApiProperty({ type: String, nullable: true })
  failedReason: string | null;
}

export class ThrottleView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  apiKeyId: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  requestsPerMinute: number | null;
  @ApiProperty({ type: 'integer', nullable: true })
  tokensPerMinute: number | null;
  @ApiProperty()
  reason: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorUserId: string | null;
  @DateTimeProperty()
  createdAt: Date;
}

export class ThrottleLiftView {
  @ApiProperty({ description: 'False when there was no such throttle (a retry)' })
  lifted: boolean;
}
