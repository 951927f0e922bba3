import { AUDIT_FLAGS } from '@velvet/audit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@velvet/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';

export class AuditSearchQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organizationId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() apiKeyId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/)
  modelSlug?: string;
  @ApiPropertyOptional({ enum: ['premium_call', 'admin_action'] })
  @IsOptional()
  @IsIn(['premium_call', 'admin_action'])
  kind?: 'premium_call' | 'admin_action';
  @ApiPropertyOptional({ enum: ['succeeded', 'failed', 'cancelled', 'interrupted'] })
  @IsOptional()
  @IsIn(['succeeded', 'failed', 'cancelled', 'interrupted'])
  status?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
  @ApiPropertyOptional({
    description: `comma-separated, all must be present: ${AUDIT_FLAGS.join(', ')}`,
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @ArrayMaxSize(AUDIT_FLAGS.length)
  @IsIn(AUDIT_FLAGS, { each: true })
  flags?: string[];
}

export class AuditExportQuery extends AuditSearchQuery {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['jsonl', 'csv'])
  format: 'jsonl' | 'csv' = 'jsonl';
  @ApiPropertyOptional({ description: 'include a consistency proof from this earlier tree size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  sinceTreeSize?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100000, default: 100000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  override limit = 100_000;
}

export class TreeSizeQuery {
  @ApiPropertyOptional({ description: 'defaults to the latest signed tree head' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  treeSize?: number;
}

export class ConsistencyQuery {
  @Type(() => Number) @IsInt() @Min(0) first: number;
  @ApiPropertyOptional({ description: 'defaults to the latest signed tree head' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  second?: number;
}

export class TreeHeadListQuery {
  @ApiPropertyOptional({ type: Number, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 20;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) beforeSize?: number;
}
