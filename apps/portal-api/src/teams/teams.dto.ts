import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

const MICROS = /^\d{1,19}$/;
const MAX_RATE = 2_147_483_647;

export class TeamNameDto {
  @ApiProperty({ example: 'Support tooling' })
  @IsString()
  @Length(1, 100)
  name: string;
}

/** Each field null (or absent) sets no customer limit for it; the provider's limits still apply. */
export class LimitValuesDto {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, example: 120 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RATE)
  requestsPerMinute?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, example: 200000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RATE)
  tokensPerMinute?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Monthly (UTC calendar month) spend cap, micro-units as a decimal string',
    example: '5000000000',
  })
  @IsOptional()
  @Matches(MICROS)
  spendCapMicros?: string | null;
}

export class UpdateApiKeySettingsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'null: no team',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID()
  teamId?: string | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Model ids the key may call; null: every model the organisation may call',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  allowedModelIds?: string[] | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date | null;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    description: 'How long the old secret keeps working, in seconds (0-604800; default 86400)',
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  graceSeconds?: number;
}
