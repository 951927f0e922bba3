import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A gateway key. The full key is `vr_<lookupId>_<secret>`; only the lookup id (indexed)
 * and the SHA-256 of the whole key are stored, so a leaked table cannot be replayed.
 */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'lookup_id', type: 'text', unique: true })
  lookupId: string;

  @Column({ name: 'secret_hash', type: 'text', select: false })
  secretHash: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** What the UI shows so people can tell keys apart: `vr_<lookupId>_…`. */
  get displayPrefix(): string {
    return `vr_${this.lookupId}_…`;
  }
}
