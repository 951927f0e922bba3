import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isKeyOfOrganization } from '@velvet/api-keys';
import { AdminActivityLog, NotFoundError, type Page } from '@velvet/common';
import { SuspensionsService } from '@velvet/entitlements';
import { LimitsService } from '@velvet/metering';
import { DataSource, In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { DEFAULT_THRESHOLDS } from '../detection.config';
import { AlertCaseEvent } from '../entities/alert-case-event.entity';
import { AlertCase, AlertCaseStatus, LIVE_CASE_STATUSES } from '../entities/alert-case.entity';
import { DetectionSuppression } from '../entities/detection-suppression.entity';
import type { ScoredDetector } from '../scoring/risk-combiner';
import { AlertCaseException } from './alert-cases.exception';

const S = AlertCaseStatus;
const TRANSITIONS = {
  acknowledged: { from: [S.Open], to: S.Acknowledged },
  escalated: { from: [S.Open, S.Acknowledged], to: S.Escalated },
  dismissed: { from: [...LIVE_CASE_STATUSES], to: S.Dismissed },
  resolved: { from: [...LIVE_CASE_STATUSES], to: S.Resolved },
} as const;
type Transition = keyof typeof TRANSITIONS;

export interface CaseListFilter {
  status?: AlertCaseStatus;
  organizationId?: string;
  limit: number;
  offset: number;
}

/**
 * The security reviewer's workflow. Every step lands in the case history and, with who and
 * why, in the tamper-evident audit log; suspensions go through the entitlement engine, throttles
 * through the gateway's limit overrides.
 */
@Injectable()
export class AlertCasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly activity: AdminActivityLog,
    private readonly suspensions: SuspensionsService,
    private readonly limits: LimitsService,
  ) {}

  async list(filter: CaseListFilter): Promise<Page<AlertCase>> {
    const where: FindOptionsWhere<AlertCase> = {};
    if (filter.status) where.status = filter.status;
    if (filter.organizationId) where.organizationId = filter.organizationId;
    const [items, total] = await this.db.getRepository(AlertCase).findAndCount({
      where,
      order: { lastDetectedAt: 'DESC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total, limit: filter.limit, offset: filter.offset };
  }

  async get(id: string): Promise<{ case: AlertCase; events: AlertCaseEvent[] }> {
    const found = await this.db.getRepository(AlertCase).findOne({ where: { id } });
    if (!found) throw new NotFoundError('Alert case');
    const events = await this.db
      .getRepository(AlertCaseEvent)
      .find({ where: { caseId: id }, order: { id: 'ASC' } });
    return { case: found, events };
  }

  acknowledge(id: string, actor: string, reason: string | null) {
    return this.transition(id, 'acknowledged', actor, reason);
  }

  escalate(id: string, actor: string, reason: string) {
    return this.transition(id, 'escalated', actor, reason);
  }

  resolve(id: string, actor: string, reason: string) {
    return this.transition(id, 'resolved', actor, reason);
  }

  /**
   * A false positive: the case closes and every detector that drove it is muted for this
   * organisation (or the flagged key) until the pattern gets clearly worse or the suppression expires.
   */
  dismiss(id: string, actor: string, reason: string) {
    return this.transition(id, 'dismissed', actor, reason, async (m, c) => {
      const expiresAt = new Date(
        Math.max(Date.now(), c.lastDetectedAt.getTime()) +
          DEFAULT_THRESHOLDS.suppressionDays * 86_400_000,
      );
      const scoreOf = (detectors: ScoredDetector[], name: string) =>
        detectors.find((d) => d.detector === name)?.score ?? 0;
      const rows = c.drivers.map((detector) => ({
        apiKeyId: null,
        detector,
        dismissedScore: scoreOf(c.evidence, detector),
      }));
      const keyRows = c.flaggedKeys.flatMap((k) =>
        k.drivers.map((detector) => ({
          apiKeyId: k.apiKeyId,
          detector,
          dismissedScore: Math.min(1, k.score),
        })),
      );
      const suppressions = [...rows, ...keyRows].map((r) => ({
        ...r,
        organizationId: c.organizationId,
        reason,
        caseId: c.id,
        createdBy: actor,
        expiresAt,
      }));
      if (suppressions.length) await m.getRepository(DetectionSuppression).insert(suppressions);
      return {
        suppressedDetectors: [...new Set(suppressions.map((s) => s.detector))],
        suppressionExpiresAt: expiresAt.toISOString(),
      };
    });
  }

  async throttle(
    id: string,
    actor: string,
    input: { apiKeyId?: string; requestsPerMinute: number; reason: string },
  ) {
    const { case: c } = await this.get(id);
    if (input.apiKeyId) await this.assertKeyOf(c.organizationId, input.apiKeyId);
    await this.limits.setOverride({
      organizationId: c.organizationId,
      apiKeyId: input.apiKeyId ?? null,
      requestsPerMinute: input.requestsPerMinute,
      reason: input.reason,
      actorUserId: actor,
    });
    return this.action(c, 'throttled', actor, input.reason, {
      apiKeyId: input.apiKeyId ?? null,
      requestsPerMinute: input.requestsPerMinute,
    });
  }

  async suspend(id: string, actor: string, reason: string) {
    const { case: c } = await this.get(id);
    const { suspension, created } = await this.suspensions.suspend(c.organizationId, actor, reason);
    return this.action(c, 'suspended', actor, reason, {
      suspensionId: suspension.id,
      alreadySuspended: !created,
    });
  }

  /** Lifts the suspension and any throttles the organisation or its keys carry. */
  async restore(id: string, actor: string, reason: string) {
    const { case: c } = await this.get(id);
    const suspended = await this.suspensions.isSuspended(c.organizationId);
    const throttles = await this.limits.listOverrides(c.organizationId);
    if (!suspended && !throttles.length) throw AlertCaseException.nothingToRestore();
    if (suspended) await this.suspensions.restore(c.organizationId, actor, reason);
    for (const t of throttles) {
      await this.limits.clearOverride({
        organizationId: c.organizationId,
        apiKeyId: t.apiKeyId,
        actorUserId: actor,
        reason,
      });
    }
    return this.action(c, 'restored', actor, reason, {
      liftedSuspension: suspended,
      clearedThrottles: throttles.map((t) => t.apiKeyId ?? 'organization'),
    });
  }

  private async transition(
    id: string,
    kind: Transition,
    actor: string,
    reason: string | null,
    then?: (m: EntityManager, c: AlertCase) => Promise<Record<string, unknown>>,
  ): Promise<AlertCase> {
    const { from, to } = TRANSITIONS[kind];
    const closing = to === S.Dismissed || to === S.Resolved;
    const updated = await this.db.transaction(async (m) => {
      const c = await m
        .getRepository(AlertCase)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new NotFoundError('Alert case');
      if (!(from as readonly AlertCaseStatus[]).includes(c.status))
        throw AlertCaseException.transition(c.status, kind);
      const patch: Partial<AlertCase> = { status: to, version: c.version + 1 };
      if (closing)
        Object.assign(patch, { closedBy: actor, closedAt: new Date(), resolutionReason: reason });
      if (kind === 'acknowledged') patch.assigneeUserId = actor;
      await m
        .getRepository(AlertCase)
        .update({ id, status: In(from as readonly AlertCaseStatus[] as AlertCaseStatus[]) }, patch);
      const details = then ? await then(m, c) : {};
      await m
        .getRepository(AlertCaseEvent)
        .save({ caseId: id, kind, actorUserId: actor, reason, details });
      // Inside the transaction: if the audit log cannot accept the action, the action does not happen.
      await this.activity.record({
        actorUserId: actor,
        organizationId: c.organizationId,
        action: `alert_case.${kind}`,
        subjectType: 'AlertCase',
        subjectId: id,
        reason,
        details: { from: c.status, to, ...details },
      });
      return { ...c, ...patch } as AlertCase;
    });
    return updated;
  }

  private async action(
    c: AlertCase,
    kind: string,
    actor: string,
    reason: string,
    details: Record<string, unknown>,
  ) {
    await this.db
      .getRepository(AlertCaseEvent)
      .save({ caseId: c.id, kind, actorUserId: actor, reason, details });
    await this.activity.record({
      actorUserId: actor,
      organizationId: c.organizationId,
      action: `alert_case.${kind}`,
      subjectType: 'AlertCase',
      subjectId: c.id,
      reason,
      details,
    });
    return this.get(c.id);
  }

  private async assertKeyOf(organizationId: string, apiKeyId: string): Promise<void> {
    if (!(await isKeyOfOrganization(this.db.manager, apiKeyId, organizationId)))
      throw AlertCaseException.keyNotInOrganization();
  }
}
