import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { OrganizationStatus, UserStatus } from '@velvet/organizations';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';

export class UpdateOrganizationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Provider staff only' })
  @IsOptional()
  @IsBoolean()
  verified?: boolean;

  @ApiPropertyOptional({ enum: OrganizationStatus, description: 'Platform admins only' })
  @IsOptional()
  @IsEnum(OrganizationStatus)
  status?: OrganizationStatus;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com'],
    description:
      "Browser origins (scheme://host[:port]) allowed to call the gateway with this organisation's keys; org admins. [] turns CORS off.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'each origin must be scheme://host[:port], without a path',
  })
  @MaxLength(253, { each: true })
  corsAllowedOrigins?: string[];
}

export class InviteMemberDto {
  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: [Role.OrgAdmin, Role.OrgMember] })
  @IsIn([Role.OrgAdmin, Role.OrgMember])
  role: Role;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ enum: [Role.OrgAdmin, Role.OrgMember] })
  @IsOptional()
  @IsIn([Role.OrgAdmin, Role.OrgMember])
  role?: Role;

  @ApiPropertyOptional({ enum: UserStatus })
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;
}
