import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditRetentionService } from '@velvet/audit';
import type { DataSource } from 'typeorm';
import { ContractStatus } from './entities/contract.entity';

/**
 * An organisation's prompt and completion texts are kept only while one of its active contracts
 * says so: the audit pipeline's retention policy follows the longest term its active contracts
 * grant, and is dropped when none does (texts already kept still expire on their own date).
 * Called whenever a contract becomes active or stops being active.
 */
@Injectable()
export class ContractRetentionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly retention: AuditRetentionService,
  ) {}

  async sync(organizationId: string): Promise<number | null> {
    const [{ days }] = await this.dataSource.query(
      `SELECT max(text_retention_days) AS days FROM contracts WHERE organization_id = $1 AND status = $2`,
      [organizationId, ContractStatus.Active],
    );
    const retentionDays = days === null ? null : Number(days);
    await this.retention.setPolicy(organizationId, retentionDays);
    return retentionDays;
  }
}
