import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One browser round trip to an identity provider; used once. Only the state's hash is stored. */
@Entity({ name: 'sso_login_states' })
export class SsoLoginState {
  @PrimaryColumn({ name: 'state_hash', type: 'text' })
  stateHash: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  protocol: string;

  @Column({ type: 'text', nullable: true })
  nonce: string | null;

  @Column({ name: 'code_verifier', type: 'text', nullable: true })
  codeVerifier: string | null;

  @Column({ name: 'saml_request_id', type: 'text', nullable: true })
  samlRequestId: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
