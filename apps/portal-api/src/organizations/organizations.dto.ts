import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { OrganizationStatus, UserStatus } from '@velvet/organizations';
import { IsBoolean, IsEmail, IsEnum, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';

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
