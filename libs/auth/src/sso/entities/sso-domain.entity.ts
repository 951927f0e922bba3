import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An e-mail domain an organisation claims for single sign-on; it counts once provider staff verified it. */
@Entity({ name: 'sso_domains' })
export class SsoDomain {
  @PrimaryColumn({ type: 'text' })
  domain: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @Column({ name: 'verified_by', type: 'uuid', nullable: true })
  verifiedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
