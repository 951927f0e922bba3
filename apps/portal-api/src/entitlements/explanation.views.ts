import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EntitlementExplanation } from '@velvet/entitlements';
import { DateTimeProperty } from '../http/openapi-views';

type ModelEntitlement = EntitlementExplanation['models'][number];
type ConditionKey = ModelEntitlement['conditions'][number]['key'];
type RefusalCode = NonNullable<ModelEntitlement['refusal']>['code'];

// keyed by the lib's unions, so a key added there must be added here
const CONDITION_KEYS = Object.keys({
  organization_active: 1,
  contract: 1,
  qualifying_spend: 1,
  verified: 1,
  not_suspended: 1,
  account_age: 1,
  grandfathered: 1,
} satisfies Record<ConditionKey, 1>);
const REFUSAL_CODES = Object.keys({
  organization_disabled: 1,
  organization_suspended: 1,
  contract_ended: 1,
  contract_pending: 1,
  contract_missing: 1,
  verification_missing: 1,
  spend_short: 1,
  account_too_new: 1,
  no_unlock_rule: 1,
  entitlement_pending: 1,
} satisfies Record<RefusalCode, 1>);

/** One condition of a tier's unlock rule, holding or not, with the numbers. */
export class ConditionResultView {
  @ApiProperty({ enum: CONDITION_KEYS, enumName: 'ConditionKey' })
  key: ConditionKey;
  @ApiProperty()
  holds: boolean;
  @ApiProperty()
  message: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The numbers' })
  details?: Record<string, unknown>;
}

/** Why a call is refused; the gateway's 403 carries the same code. */
export class RefusalView {
  @ApiProperty({ enum: REFUSAL_CODES, enumName: 'RefusalCode' })
  code: RefusalCode;
  @ApiProperty()
  message: string;
}

export class ModelEntitlementView {
  @ApiProperty({ format: 'uuid' })
  modelId: string;
  @ApiProperty()
  slug: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty()
  tier: string;
  @ApiProperty()
  gated: boolean;
  @ApiProperty({ description: 'What the rules say now' })
  unlocked: boolean;
  @ApiProperty({ description: 'What the gateway enforces (equal to `unlocked` once caught up)' })
  enforced: boolean;
  @ApiProperty({ type: [ConditionResultView] })
  conditions: ConditionResultView[];
  @ApiProperty({ type: RefusalView, nullable: true, description: 'null: calls are served' })
  refusal: RefusalView | null;
}

/** Response schema of every active model: may the organisation call it, and why not. */
export class EntitlementExplanationView {
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @DateTimeProperty()
  evaluatedAt: Date;
  @ApiProperty({ type: [ModelEntitlementView] })
  models: ModelEntitlementView[];
}
