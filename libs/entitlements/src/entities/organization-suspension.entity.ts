import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Security suspended an organisation's premium access; open while `restoredAt` is null. */
@Entity({ name: 'organization_suspensions' })
export class OrganizationSuspension {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'suspended_by', type: 'uuid', nullable: true })
  suspendedBy: string | null;

  @Column({ name: 'suspended_at', type: 'timestamptz' })
  suspendedAt: Date;

  @Column({ name: 'restored_by', type: 'uuid', nullable: true })
  restoredBy: string | null;

  @Column({ name: 'restore_reason', type: 'text', nullable: true })
  restoreReason: string | null;

  @Column({ name: 'restored_at', type: 'timestamptz', nullable: true })
  restoredAt: Date | null;
}
