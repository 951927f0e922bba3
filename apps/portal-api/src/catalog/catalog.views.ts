import { ApiProperty } from '@nestjs/swagger';
import { ModelStatus, TOKENIZER_ENCODINGS, type TokenizerEncoding } from '@velvet/catalog';
import { DateTimeProperty, JsonObjectProperty, MicrosProperty } from '../http/openapi-views';

/** Response schemas of the catalog and unlock-rule routes. */

export class ModelTierView {
  @ApiProperty()
  name: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty({
    type: 'integer',
    description: 'Higher ranks are more capable; a contract covers its rank and below',
  })
  rank: number;
  @ApiProperty({ description: 'Calls need an unlocked entitlement' })
  gated: boolean;
}

export class CatalogModelView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  slug: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty()
  tier: string;
  @MicrosProperty()
  inputPriceMicrosPerMTok: bigint;
  @MicrosProperty()
  outputPriceMicrosPerMTok: bigint;
  @ApiProperty()
  currency: string;
  @JsonObjectProperty({
    description: 'Where it is served from (kind, base URL, upstream model); no keys',
  })
  upstream: object;
  @ApiProperty({ type: 'integer' })
  contextWindow: number;
  @ApiProperty({ type: 'integer' })
  maxOutputTokens: number;
  @ApiProperty({ enum: TOKENIZER_ENCODINGS })
  tokenizer: TokenizerEncoding;
  @ApiProperty({ enum: ModelStatus, enumName: 'ModelStatus' })
  status: ModelStatus;
  @DateTimeProperty()
  updatedAt: Date;
}

export class UnlockRuleView {
  @ApiProperty()
  tier: string;
  @ApiProperty()
  requiresContract: boolean;
  @MicrosProperty()
  minQualifyingSpendMicros: bigint;
  @ApiProperty({ type: 'integer' })
  spendWindowDays: number;
  @ApiProperty()
  currency: string;
  @ApiProperty()
  requiresVerified: boolean;
  @ApiProperty()
  requiresNotSuspended: boolean;
  @ApiProperty({ type: 'integer' })
  minAccountAgeDays: number;
  @MicrosProperty({ description: 'Contracts above this minimum need two approvals' })
  dualApprovalAboveMicros: bigint;
  @ApiProperty({ type: 'integer' })
  version: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  updatedBy: string | null;
  @DateTimeProperty()
  updatedAt: Date;
}

export class ImpactedOrganizationView {
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  name: string;
}

export class GrandfatheredOrganizationView extends ImpactedOrganizationView {
  @ApiProperty({ format: 'uuid' })
  contractId: string;
  @ApiProperty({ format: 'date', description: "Last day of kept access: the contract's term end" })
  until: string;
}

/** Who a rule change would let in, lock out, or keep until their contract's term ends. */
export class RuleChangeImpactView {
  @ApiProperty()
  tier: string;
  @DateTimeProperty()
  evaluatedAt: string;
  @ApiProperty({ type: [ImpactedOrganizationView] })
  gain: ImpactedOrganizationView[];
  @ApiProperty({ type: [ImpactedOrganizationView] })
  lose: ImpactedOrganizationView[];
  @ApiProperty({ type: [GrandfatheredOrganizationView] })
  grandfathered: GrandfatheredOrganizationView[];
}

/** A version of a rule: when it takes effect, whether it grandfathers, and its preview as saved. */
export class UnlockRuleChangeView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  tier: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorUserId: string | null;
  @ApiProperty()
  reason: string;
  @JsonObjectProperty({ nullable: true, description: 'The terms before the change' })
  before: Record<string, unknown> | null;
  @JsonObjectProperty({ description: 'The terms after the change' })
  after: Record<string, unknown>;
  @DateTimeProperty()
  changedAt: Date;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Set once applied' })
  version: number | null;
  @DateTimeProperty()
  effectiveAt: Date;
  @DateTimeProperty({ nullable: true })
  appliedAt: Date | null;
  @ApiProperty()
  grandfather: boolean;
  // a jsonb column holding the RuleChangeImpact computed when the change was saved
  @ApiProperty({ type: RuleChangeImpactView, nullable: true })
  impact: Record<string, unknown> | null;
}

export class PutUnlockRuleView extends UnlockRuleView {
  @ApiProperty({ type: UnlockRuleChangeView })
  change: UnlockRuleChangeView;
}
