import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ContractRelation, ContractStatus } from '@velvet/contracts';
import {
  IsBoolean,
  IsIn,
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
import { PageQuery } from '@velvet/common';
import { MICROS } from '../catalog/catalog.dto';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIER = /^[a-z][a-z0-9_-]{0,31}$/;

export class CreateContractDto {
  @ApiProperty({ example: 'premium' })
  @Matches(TIER)
  tier: string;

  @ApiProperty({
    description: 'Minimum spend per commitment period, micro-units as a decimal string',
    example: '50000000000',
  })
  @Matches(MICROS)
  minSpendMicros: string;

  @ApiProperty({ minimum: 1, maximum: 36, example: 3 })
  @IsInt()
  @Min(1)
  @Max(36)
  periodMonths: number;

  @ApiProperty({ example: '2026-01-01', description: 'UTC date' })
  @Matches(DAY)
  termStart: string;

  @ApiProperty({ example: '2026-12-31', description: 'UTC date, inclusive' })
  @Matches(DAY)
  termEnd: string;

  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/)
  currency: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    nullable: true,
    description:
      'Days the provider may keep prompt and completion texts while the contract is active; none when absent',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  textRetentionDays?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  notes?: string;

  @ApiPropertyOptional({ description: 'Submit for review at once instead of keeping a draft' })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;

  @ApiPropertyOptional({
    description:
      'An approved or active contract of the organisation this request amends or replaces; approving this one ends it. Requires `relation`.',
  })
  @ValidateIf(
    (o: CreateContractDto) => o.relation !== undefined || o.replacesContractId !== undefined,
  )
  @IsUUID()
  replacesContractId?: string;

  @ApiPropertyOptional({ enum: ContractRelation, description: 'Requires `replacesContractId`' })
  @ValidateIf(
    (o: CreateContractDto) => o.relation !== undefined || o.replacesContractId !== undefined,
  )
  @IsIn(Object.values(ContractRelation))
  relation?: ContractRelation;
}

export class UpdateContractDto {
  @ApiPropertyOptional() @IsOptional() @Matches(TIER) tier?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(MICROS) minSpendMicros?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(36) periodMonths?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(DAY) termStart?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DAY) termEnd?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Z]{3}$/) currency?: string;
  @ApiPropertyOptional({ nullable: true, description: 'null keeps no texts' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  textRetentionDays?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 4000) notes?: string;

  @ApiPropertyOptional({ description: 'The version you edited; a mismatch answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ApproveContractDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class DecisionDto {
  @ApiProperty({ description: 'Why (required; the requester sees it)' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class ListContractsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() organizationId?: string;
  @ApiPropertyOptional({ enum: ContractStatus })
  @IsOptional()
  @IsIn(Object.values(ContractStatus))
  status?: ContractStatus;
}
