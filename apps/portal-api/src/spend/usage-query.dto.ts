import { ApiPropertyOptional } from '@nestjs/swagger';
import type { UsageGranularity, UsageGroupBy } from '@velvet/metering';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A usage report's range and shape; days are UTC and both ends are included. */
export class UsageQueryDto {
  @ApiPropertyOptional({ description: 'first UTC day, YYYY-MM-DD (default: 29 days before `to`)' })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day, YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'last UTC day, YYYY-MM-DD, included (default: today)' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day, YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: ['day', 'hour'], default: 'day' })
  @IsOptional()
  @IsIn(['day', 'hour'])
  granularity: UsageGranularity = 'day';

  @ApiPropertyOptional({ enum: ['none', 'model', 'key', 'team'], default: 'none' })
  @IsOptional()
  @IsIn(['none', 'model', 'key', 'team'])
  groupBy: UsageGroupBy = 'none';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  apiKeyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  teamId?: string;
}
