import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Action, type AppAbility, scopedWhere } from '@velvet/access';
import { NotFoundError, type Page } from '@velvet/common';
import {
  ArrayContains,
  Between,
  LessThan,
  MoreThanOrEqual,
  type FindOptionsWhere,
  type Repository,
} from 'typeorm';
import { AuditRecord } from '../entities/audit-record.entity';

export interface AuditSearch {
  organizationId?: string;
  apiKeyId?: string;
  modelSlug?: string;
  kind?: 'premium_call' | 'admin_action';
  status?: string;
  /** Inclusive start, exclusive end. */
  from?: Date;
  to?: Date;
  /** Records carrying every one of these flags. */
  flags?: string[];
}

/**
 * Search over the audit log, scoped by the caller's CASL rules: a security reviewer sees every
 * organisation, an org admin only their own (a filter on another organisation finds nothing).
 */
@Injectable()
export class AuditSearchService {
  constructor(@InjectRepository(AuditRecord) private readonly records: Repository<AuditRecord>) {}

  whereFor(
    ability: AppAbility,
    action: Action.Read | Action.Export,
    search: AuditSearch,
  ): FindOptionsWhere<AuditRecord>[] | null {
    const extra: FindOptionsWhere<AuditRecord> = {};
    if (search.organizationId) extra.organizationId = search.organizationId;
    if (search.apiKeyId) extra.apiKeyId = search.apiKeyId;
    if (search.modelSlug) extra.modelSlug = search.modelSlug;
    if (search.kind) extra.kind = search.kind;
    if (search.status) extra.status = search.status;
    if (search.flags?.length) extra.flags = ArrayContains(search.flags);
    if (search.from && search.to)
      extra.occurredAt = Between(search.from, new Date(search.to.getTime() - 1));
    else if (search.from) extra.occurredAt = MoreThanOrEqual(search.from);
    else if (search.to) extra.occurredAt = LessThan(search.to);
    return scopedWhere<AuditRecord>(ability, action, 'AuditRecord', extra);
  }

  /** True when the caller sees every record and asked for no filter: the export is then the whole tree. */
  isUnfiltered(ability: AppAbility, search: AuditSearch): boolean {
    const where = this.whereFor(ability, Action.Export, search);
    return !!where && where.length === 1 && Object.keys(where[0]).length === 0;
  }

  async search(
    ability: AppAbility,
    search: AuditSearch,
    page: { limit: number; offset: number },
  ): Promise<Page<AuditRecord>> {
    const where = this.whereFor(ability, Action.Read, search);
    // Only a filter on another organisation can leave nothing visible: that organisation is not found.
    if (!where) throw new NotFoundError('Organization');
    const [items, total] = await this.records.findAndCount({
      where,
      order: { seq: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** One visible record by sequence number, or null. */
  async find(ability: AppAbility, seq: number): Promise<AuditRecord | null> {
    const where = scopedWhere<AuditRecord>(ability, Action.Read, 'AuditRecord', { seq });
    return where ? this.records.findOne({ where }) : null;
  }

  /** Records for an export, oldest first, bounded by a tree size so every one has a proof. */
  async forExport(
    ability: AppAbility,
    search: AuditSearch,
    treeSize: number,
    limit: number,
  ): Promise<AuditRecord[]> {
    const where = this.whereFor(ability, Action.Export, search);
    if (!where) throw new NotFoundError('Organization');
    const bounded = where.map((w) => ({ ...w, seq: LessThan(treeSize) }));
    return this.records.find({ where: bounded, order: { seq: 'ASC' }, take: limit });
  }
}
