import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { SsoProtocol } from '@velvet/auth';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

export class PutSsoConnectionDto {
  @ApiProperty({ enum: SsoProtocol })
  @IsEnum(SsoProtocol)
  protocol: SsoProtocol;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: "Refuse password login to the organisation's users" })
  @IsOptional()
  @IsBoolean()
  ssoRequired?: boolean;

  @ApiProperty({ description: 'OIDC: issuer URL; SAML: IdP entity ID' })
  @IsString()
  @Length(1, 500)
  issuer: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 300)
  clientId?: string;

  @ApiPropertyOptional({ description: 'Write-only; kept when omitted', writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  clientSecret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  samlEntryPoint?: string;

  @ApiPropertyOptional({ description: 'IdP signing certificate, PEM or base64 DER' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  samlIdpCert?: string;

  @ApiPropertyOptional({ enum: [Role.OrgAdmin, Role.OrgMember] })
  @IsOptional()
  @IsIn([Role.OrgAdmin, Role.OrgMember])
  defaultRole?: Role;

  @ApiPropertyOptional({
    description: 'IdP group name -> org_admin | org_member',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  groupRoles?: Record<string, Role>;
}

export class ClaimDomainDto {
  @ApiProperty({ example: 'example.com' })
  @IsString()
  @Length(4, 253)
  domain: string;
}

export class SsoStartQuery {
  @ApiPropertyOptional({ description: 'Finds the organisation by its verified e-mail domain' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'Or the organisation slug' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  organization?: string;

  @ApiPropertyOptional({ description: 'Passed to the OpenID provider' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  login_hint?: string;
}
