import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Whether an organisation's prompt and completion texts are kept, and for how long. The
 * contracts domain sets it from the contract; absent a policy, only hashes and fingerprints
 * are kept. Texts live in `audit_text`, never in the append-only log, so purging them leaves
 * the log and its Merkle tree intact.
 */
@Injectable()
export class AuditRetentionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `null` days: keep no texts from now on (texts already kept expire on their own date). */
  async setPolicy(organizationId: string, retentionDays: number | null): Promise<void> {
    if (retentionDays === null) {
      await this.dataSource.query(`DELETE FROM audit_retention_policy WHERE organization_id = $1`, [
        organizationId,
      ]);
      return;
    }
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650)
      throw new RangeError('retentionDays must be 1..3650');
    await this.dataSource.query(
      `INSERT INTO audit_retention_policy (organization_id, retention_days) VALUES ($1, $2)
       ON CONFLICT (organization_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, updated_at = now()`,
      [organizationId, retentionDays],
    );
  }

  async policy(organizationId: string): Promise<number | null> {
    const [row] = await this.dataSource.query(
      `SELECT retention_days FROM audit_retention_policy WHERE organization_id = $1`,
      [organizationId],
    );
    return row ? Number(row.retention_days) : null;
  }

  /** Deletes expired texts in bounded chunks; returns how many went. */
  async purgeExpired(now = new Date(), chunk = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      // TypeORM answers a DELETE with [rows, affected].
      const [, affected] = await this.dataSource.query(
        `DELETE FROM audit_text WHERE event_id IN (SELECT event_id FROM audit_text WHERE expires_at <= $1 LIMIT $2)`,
        [now, chunk],
      );
      total += Number(affected);
      if (Number(affected) < chunk) return total;
    }
  }
}
