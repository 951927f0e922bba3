import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@velvet/common';
import { AlertCaseStatus } from '@velvet/detection';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AlertCaseStatus })
  @IsOptional()
  @IsEnum(AlertCaseStatus)
  status?: AlertCaseStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class OptionalReasonDto {
  @ApiPropertyOptional({ example: 'Looking into it' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

/** Dismissals, escalations, suspensions: a reason someone else can understand later. */
export class ReasonDto {
  @ApiProperty({
    example: 'Nightly batch summarisation agreed in the contract; regular cadence is expected',
  })
  @IsString()
  @Length(10, 2000)
  reason: string;
}

export class ThrottleDto extends ReasonDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Throttle one key; absent: the whole organisation',
  })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiProperty({ minimum: 1, maximum: 100000, example: 10 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  requestsPerMinute: number;
}

export class ProvenanceDto {
  @ApiProperty({ description: 'The suspect text, e.g. an output of a rival model' })
  @IsString()
  @Length(1, 100_000)
  text: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 1, default: 0.3 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  minSimilarity = 0.3;
}

export class DetectionRunDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'End of the window to score; default now',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  asOf?: Date;
}

export class RiskScoresQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organizationId: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

export class LiftThrottleDto extends ReasonDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The key whose throttle is lifted; absent: the organisation-wide one',
  })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;
}
