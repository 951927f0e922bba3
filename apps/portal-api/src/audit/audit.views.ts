import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DateTimeProperty,
  JsonObjectProperty,
  MicrosProperty,
  pageOf,
  StringListProperty,
} from '../http/openapi-views';

/** Response schemas of the audit routes: records as the leaf states them, proofs, signed tree heads. */

const nullableString = (description?: string) =>
  ApiProperty({ type: String, nullable: true, description });
const nullableInteger = () => ApiProperty({ type: 'integer', nullable: true });

export class AuditIntegrityView {
  @ApiProperty({ description: 'The stored leaf hashes to its recorded hash' })
  leafHashValid: boolean;
  @StringListProperty({ description: 'Searchable columns that disagree with the leaf' })
  mismatches: string[];
}

/** One record: every fact is read from the signed leaf, never from the searchable columns. */
export class AuditRecordView {
  @ApiProperty({ type: 'integer' })
  seq: number;
  @ApiProperty()
  eventId: string;
  @ApiProperty({ enum: ['premium_call', 'admin_action'] })
  kind: 'premium_call' | 'admin_action';
  @nullableString()
  organizationId: string | null;
  @nullableString()
  apiKeyId: string | null;
  @nullableString()
  userId: string | null;
  @nullableString()
  modelId: string | null;
  @nullableString()
  modelSlug: string | null;
  @nullableString()
  tier: string | null;
  @DateTimeProperty()
  occurredAt: string;
  @DateTimeProperty()
  recordedAt: Date;
  @nullableString()
  clientIp: string | null;
  @nullableString()
  userAgent: string | null;
  @JsonObjectProperty({ nullable: true, description: 'Request parameters (no prompt text)' })
  params: Record<string, unknown> | null;
  @nullableInteger()
  inputTokens: number | null;
  @nullableInteger()
  outputTokens: number | null;
  @nullableInteger()
  latencyMs: number | null;
  @MicrosProperty({
    nullable: true,
    description: 'What the call was charged; null before receipts',
  })
  costMicros: string | null;
  @nullableString()
  currency: string | null;
  @nullableString('succeeded, failed, cancelled, interrupted')
  status: string | null;
  @nullableString()
  finishReason: string | null;
  @StringListProperty()
  flags: string[];
  @nullableString()
  promptSha256: string | null;
  @nullableString()
  completionSha256: string | null;
  @nullableString()
  actorUserId: string | null;
  @nullableString()
  action: string | null;
  @nullableString()
  subjectType: string | null;
  @nullableString()
  subjectId: string | null;
  @nullableString()
  reason: string | null;
  @JsonObjectProperty({ nullable: true })
  details: Record<string, unknown> | null;
  @ApiProperty({ description: 'The canonical JSON leaf the Merkle tree commits to' })
  leaf: string;
  @ApiProperty({ description: 'Hex SHA-256 leaf hash' })
  leafHash: string;
  @ApiProperty({ type: AuditIntegrityView })
  integrity: AuditIntegrityView;
}

export const AuditRecordPage = pageOf(AuditRecordView);

/** A signed tree head: hex root, base64 Ed25519 signature and raw public key, and the C2SP checkpoint. */
export class SignedTreeHeadView {
  @ApiProperty({ type: 'integer' })
  treeSize: number;
  @ApiProperty({ type: 'integer' })
  timestampMs: number;
  @ApiProperty()
  rootHash: string;
  @ApiProperty()
  signature: string;
  @ApiProperty()
  publicKey: string;
  @ApiProperty()
  keyId: string;
  @ApiPropertyOptional({ description: "The log's origin line" })
  origin?: string;
  @ApiPropertyOptional({ description: 'The checkpoint note (signed note)' })
  checkpoint?: string;
}

export class InclusionProofView {
  @ApiProperty({ type: 'integer' })
  leafIndex: number;
  @ApiProperty({ type: 'integer' })
  treeSize: number;
  @ApiProperty()
  leafHash: string;
  @ApiProperty()
  rootHash: string;
  @StringListProperty({ description: 'Hex hashes, leaf to root' })
  proof: string[];
  @ApiProperty({ type: SignedTreeHeadView, nullable: true })
  treeHead: SignedTreeHeadView | null;
}

export class ConsistencyProofView {
  @ApiProperty({ type: 'integer' })
  first: number;
  @ApiProperty({ type: 'integer' })
  second: number;
  @ApiProperty()
  firstRootHash: string;
  @ApiProperty()
  secondRootHash: string;
  @StringListProperty()
  proof: string[];
  @ApiProperty({ type: SignedTreeHeadView, nullable: true })
  firstTreeHead: SignedTreeHeadView | null;
  @ApiProperty({ type: SignedTreeHeadView, nullable: true })
  secondTreeHead: SignedTreeHeadView | null;
}

export class IntegrityAlarmView {
  @DateTimeProperty()
  detectedAt: string;
  @ApiProperty()
  reason: string;
  @nullableInteger()
  trustedSize: number | null;
  @ApiProperty({ type: 'integer' })
  databaseSize: number;
}

export class IntegrityAlarmStateView {
  @ApiProperty({ type: IntegrityAlarmView, nullable: true })
  alarm: IntegrityAlarmView | null;
}
