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

  /** The team whose limits apply to the key (null: the key belongs to its creator alone). */
  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  /** Models the key may call, among those the organisation may (null: all of them). */
  @Column({ name: 'allowed_model_ids', type: 'uuid', array: true, nullable: true })
  allowedModelIds: string[] | null;

  /** After a rotation, the replaced secret, accepted until `previousValidUntil` (the grace period). */
  @Column({ name: 'previous_lookup_id', type: 'text', nullable: true, unique: true })
  previousLookupId: string | null;

  @Column({ name: 'previous_secret_hash', type: 'text', nullable: true, select: false })
  previousSecretHash: string | null;

  @Column({ name: 'previous_valid_until', type: 'timestamptz', nullable: true })
  previousValidUntil: Date | null;

  /** What the UI shows so people can tell keys apart: `vr_<lookupId>_…`. */
  get displayPrefix(): string {
    return `vr_${this.lookupId}_…`;
  }
}
