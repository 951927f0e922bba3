import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdminActivityLog, NotFoundError } from '@velvet/common';
import { lockOrganization } from '@velvet/organizations';
import { type DataSource, IsNull } from 'typeorm';
import { OrganizationSuspension } from './entities/organization-suspension.entity';
import { EntitlementException } from './entitlements.exception';
import { ImmediateEvaluation } from './immediate-evaluation';

export interface SuspensionResult {
  suspension: OrganizationSuspension;
  /** False when the organisation was already suspended (the call is idempotent). */
  created: boolean;
}

/** Security suspends and restores an organisation's premium access; effective at once. */
@Injectable()
export class SuspensionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly immediate: ImmediateEvaluation,
  ) {}

  async suspend(
    organizationId: string,
    actorUserId: string | null,
    reason: string,
  ): Promise<SuspensionResult> {
    const result = await this.dataSource.transaction(async (em) => {
      if (!(await lockOrganization(em, organizationId))) throw new NotFoundError('Organization');
      const open = await em.findOne(OrganizationSuspension, {
        where: { organizationId, restoredAt: IsNull() },
      });
      if (open) return { suspension: open, created: false };
      const suspension = await em.save(
        em.create(OrganizationSuspension, {
          organizationId,
          reason,
          suspendedBy: actorUserId,
          suspendedAt: new Date(),
        }),
      );
      await this.activity.record({
        actorUserId,
        organizationId,
        action: 'org.premium_suspended',
        subjectType: 'Organization',
        subjectId: organizationId,
        reason,
        details: { suspensionId: suspension.id },
      });
      return { suspension, created: true };
    });
    if (result.created) await this.reevaluate(organizationId, 'suspended');
    return result;
  }

  async restore(
    organizationId: string,
    actorUserId: string | null,
    reason: string,
  ): Promise<OrganizationSuspension> {
    const suspension = await this.dataSource.transaction(async (em) => {
      if (!(await lockOrganization(em, organizationId))) throw new NotFoundError('Organization');
      const open = await em.findOne(OrganizationSuspension, {
        where: { organizationId, restoredAt: IsNull() },
      });
      if (!open) throw EntitlementException.notSuspended();
      Object.assign(open, {
        restoredBy: actorUserId,
        restoreReason: reason,
        restoredAt: new Date(),
      });
      await em.save(open);
      await this.activity.record({
        actorUserId,
        organizationId,
        action: 'org.premium_restored',
        subjectType: 'Organization',
        subjectId: organizationId,
        reason,
        details: { suspensionId: open.id },
      });
      return open;
    });
    await this.reevaluate(organizationId, 'restored');
    return suspension;
  }

  async isSuspended(organizationId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(OrganizationSuspension)
      .exists({ where: { organizationId, restoredAt: IsNull() } });
  }

  list(organizationId: string): Promise<OrganizationSuspension[]> {
    return this.dataSource
      .getRepository(OrganizationSuspension)
      .find({ where: { organizationId }, order: { suspendedAt: 'DESC' } });
  }

  /** Inline, so a suspension bites at once; the queue is the fallback if that fails. */
  private reevaluate(organizationId: string, reason: string): Promise<void> {
    return this.immediate.apply(organizationId, reason);
  }
}
