import type { Role } from '@velvet/access';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export enum SsoProtocol {
  Oidc = 'oidc',
  Saml = 'saml',
}

/** An organisation's identity provider: one per organisation. */
@Entity({ name: 'sso_connections' })
export class SsoConnection {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  protocol: SsoProtocol;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Refuses password login to the organisation's users (provider staff are not affected). */
  @Column({ name: 'sso_required', type: 'boolean', default: false })
  ssoRequired: boolean;

  /** OIDC: the issuer URL (discovery); SAML: the IdP's entity ID (the assertion's Issuer). */
  @Column({ type: 'text' })
  issuer: string;

  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId: string | null;

  /** AES-256-GCM sealed; never selected unless asked for, never returned. */
  @Column({ name: 'client_secret_sealed', type: 'text', nullable: true, select: false })
  clientSecretSealed: string | null;

  @Column({ name: 'saml_entry_point', type: 'text', nullable: true })
  samlEntryPoint: string | null;

  /** The IdP's signing certificate (PEM or base64 DER). Public. */
  @Column({ name: 'saml_idp_cert', type: 'text', nullable: true })
  samlIdpCert: string | null;

  @Column({ name: 'default_role', type: 'text' })
  defaultRole: Role;

  /** IdP group name -> role. */
  @Column({ name: 'group_roles', type: 'jsonb' })
  groupRoles: Record<string, Role>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
