import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ModelStatus, TOKENIZER_ENCODINGS, type TokenizerEncoding } from '@velvet/catalog';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsISO8601,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** Money and prices travel as decimal strings of micro-units: exact in every client. */
export const MICROS = /^\d{1,16}$/;
const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class UpstreamDto {
  @ApiProperty({ enum: ['simulator', 'openai_compatible'] })
  @IsIn(['simulator', 'openai_compatible'])
  kind: 'simulator' | 'openai_compatible';

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  upstreamModel?: string;

  @ApiPropertyOptional({ description: 'Name of the env variable holding the key; never the key' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/)
  apiKeyEnv?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({
    description:
      'The upstream serves the Responses API itself (passed through; otherwise served over chat completions)',
  })
  @IsOptional()
  @IsBoolean()
  responsesApi?: boolean;
}

class ModelFieldsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  tier?: string;

  @ApiPropertyOptional({ description: 'micro-units per million input tokens, decimal string' })
  @IsOptional()
  @Matches(MICROS)
  inputPriceMicrosPerMTok?: string;

  @ApiPropertyOptional({ description: 'micro-units per million output tokens, decimal string' })
  @IsOptional()
  @Matches(MICROS)
  outputPriceMicrosPerMTok?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Z]{3}$/)
  currency?: string;

  @ApiPropertyOptional({ type: UpstreamDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UpstreamDto)
  upstream?: UpstreamDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  contextWindow?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxOutputTokens?: number;

  @ApiPropertyOptional({
    enum: TOKENIZER_ENCODINGS,
    description: 'tiktoken encoding that counts tokens the upstream does not report',
  })
  @IsOptional()
  @IsIn(TOKENIZER_ENCODINGS)
  tokenizer?: TokenizerEncoding;

  @ApiPropertyOptional({ enum: ModelStatus })
  @IsOptional()
  @IsIn(Object.values(ModelStatus))
  status?: ModelStatus;

  @ApiPropertyOptional({ description: 'Why (kept in the admin activity log)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class CreateModelDto extends ModelFieldsDto {
  @ApiProperty()
  @Matches(SLUG)
  slug: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  declare displayName: string;

  @ApiProperty()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  declare tier: string;

  @ApiProperty()
  @Matches(MICROS)
  declare inputPriceMicrosPerMTok: string;

  @ApiProperty()
  @Matches(MICROS)
  declare outputPriceMicrosPerMTok: string;

  @ApiProperty({ type: UpstreamDto })
  @ValidateNested()
  @Type(() => UpstreamDto)
  declare upstream: UpstreamDto;
}

export class UpdateModelDto extends ModelFieldsDto {}

export class ListModelsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeRetired?: boolean;
}

export class UnlockRuleTermsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requiresContract?: boolean;

  @ApiPropertyOptional({ description: 'micro-units, decimal string; 0 = no spend condition' })
  @IsOptional()
  @Matches(MICROS)
  minQualifyingSpendMicros?: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(3660) spendWindowDays?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Z]{3}$/) currency?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requiresVerified?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requiresNotSuspended?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(3660) minAccountAgeDays?: number;

  @ApiPropertyOptional({
    description: 'contracts above this minimum per period need two approvers',
  })
  @IsOptional()
  @Matches(MICROS)
  dualApprovalAboveMicros?: string;

  @ApiPropertyOptional({
    description:
      'When the change takes effect (ISO 8601, UTC); now when absent, at most a year ahead, never in the past',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveAt?: string;

  @ApiPropertyOptional({
    description:
      "Organisations that would lose access but hold an active contract keep it until that contract's term ends",
  })
  @IsOptional()
  @IsBoolean()
  grandfatherActiveContracts?: boolean;
}

/** A rule change; `POST /unlock-rules/:tier/preview` takes the same fields and says who gains or loses access. */
export class PutUnlockRuleDto extends UnlockRuleTermsDto {
  @ApiProperty({ description: 'Why the rule changes (required, kept with the change)' })
  @IsString()
  @Length(1, 2000)
  reason: string;

  @ApiPropertyOptional({ description: 'The version you edited; a mismatch answers 409' })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number;
}

export class CreateTierDto {
  @ApiProperty({ example: 'enterprise' })
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  name: string;

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({
    description: 'Ordering; a contract for a tier covers gated tiers of equal or lower rank',
  })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  rank: number;

  @ApiProperty({ description: 'Gated tiers are reached only through their unlock rule' })
  @IsBoolean()
  gated: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}
