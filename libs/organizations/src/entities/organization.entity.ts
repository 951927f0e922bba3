import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum OrganizationStatus {
  Active = 'active',
  Disabled = 'disabled',
}

@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'text', default: OrganizationStatus.Active })
  status: OrganizationStatus;

  /** Set by provider staff once the customer's identity and billing are checked. */
  @Column({ type: 'boolean', default: false })
  verified: boolean;

  /** When the sign-up address was confirmed; API keys wait for it. */
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  /** Browser origins allowed to call the gateway with this organisation's keys (CORS). */
  @Column({ name: 'cors_allowed_origins', type: 'text', array: true, default: () => "'{}'" })
  corsAllowedOrigins: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
