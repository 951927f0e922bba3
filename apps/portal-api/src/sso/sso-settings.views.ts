import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { SsoProtocol } from '@velvet/auth';
import { DateTimeProperty } from '../http/openapi-views';

/** An e-mail domain the organisation claimed; its users sign in through the identity provider once verified. */
export class SsoDomainView {
  @ApiProperty({ example: 'example.com' })
  domain: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @DateTimeProperty({ nullable: true, description: 'null: provider staff have not verified it' })
  verifiedAt: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  verifiedBy: string | null;
  @DateTimeProperty()
  createdAt: Date;
}

/** The organisation's identity provider; the client secret is write-only (`clientSecretSet` says whether one is kept). */
export class SsoConnectionView {
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ enum: SsoProtocol, enumName: 'SsoProtocol' })
  protocol: SsoProtocol;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ description: "Password login is refused to the organisation's users" })
  ssoRequired: boolean;
  @ApiProperty({ description: "OIDC: the issuer URL; SAML: the IdP's entity ID" })
  issuer: string;
  @ApiProperty({ type: String, nullable: true })
  clientId: string | null;
  @ApiProperty()
  clientSecretSet: boolean;
  @ApiProperty({ type: String, nullable: true })
  samlEntryPoint: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The IdP's signing certificate" })
  samlIdpCert: string | null;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  defaultRole: Role;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath('Role') },
    description: 'IdP group name -> role',
  })
  groupRoles: Record<string, Role>;
  @DateTimeProperty()
  updatedAt: Date;
}

/** Response schema of the organisation's single sign-on settings. */
export class SsoSettingsView {
  @ApiProperty({ type: SsoConnectionView, nullable: true, description: 'null: none set up' })
  connection: SsoConnectionView | null;
  @ApiProperty({ type: [SsoDomainView] })
  domains: SsoDomainView[];
}
