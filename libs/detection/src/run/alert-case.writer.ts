import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AdminActivityLog } from '@velvet/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DEFAULT_THRESHOLDS } from '../detection.config';
import { AlertCaseEvent } from '../entities/alert-case-event.entity';
import {
  AlertCase,
  AlertCaseStatus,
  type FlaggedKey,
  LIVE_CASE_STATUSES,
} from '../entities/alert-case.entity';
import { type RiskAssessment, riskLevel } from '../scoring/risk-combiner';
import { benignExplanations } from '../cases/benign-explanations';
import type { HorizonCall } from '../features/call-feature';

const UNIQUE_VIOLATION = '23505';

/** Opens an organisation's case on its first alert and refreshes the live case on later ones. */
@Injectable()
export class AlertCaseWriter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly activity: AdminActivityLog,
  ) {}

  /** `horizonCalls`: the organisation's trailing traffic, from which the case's benign explanations are drawn. */
  async openOrRefresh(
    org: RiskAssessment,
    alertingKeys: RiskAssessment[],
    horizonCalls: readonly HorizonCall[] = [],
  ): Promise<'opened' | 'refreshed'> {
    try {
      return await this.attempt(org, alertingKeys, horizonCalls);
    } catch (e) {
      // Two runs raced to open the same organisation's case: the loser refreshes the winner's.
      if ((e as { code?: string }).code === UNIQUE_VIOLATION)
        return this.attempt(org, alertingKeys, horizonCalls);
      throw e;
    }
  }

  private async attempt(
    org: RiskAssessment,
    alertingKeys: RiskAssessment[],
    horizonCalls: readonly HorizonCall[],
  ): Promise<'opened' | 'refreshed'> {
    const detectedAt = org.windowEnd;
    const explanations = benignExplanations(org, horizonCalls);
    const opened = await this.db.transaction(async (m) => {
      const live = await m.getRepository(AlertCase).findOne({
        where: { organizationId: org.organizationId, status: In([...LIVE_CASE_STATUSES]) },
        lock: { mode: 'pessimistic_write' },
      });
      const risk = Math.max(org.score, ...alertingKeys.map((k) => k.score));
      const drivers = org.alert
        ? org.drivers
        : [...new Set(alertingKeys.flatMap((k) => k.drivers))];
      if (live) {
        // A re-run of an older window must not roll the case back.
        if (live.lastDetectedAt.getTime() > detectedAt.getTime()) return null;
        await m.getRepository(AlertCase).update(
          { id: live.id },
          {
            riskScore: risk,
            peakScore: Math.max(live.peakScore, risk),
            organizationScore: org.score,
            level: riskLevel(risk, DEFAULT_THRESHOLDS.alertThreshold),
            drivers,
            evidence: org.detectors,
            benignExplanations: explanations,
            flaggedKeys: mergeKeys(live.flaggedKeys, alertingKeys),
            lastDetectedAt: detectedAt,
            version: live.version + 1,
          },
        );
        return null;
      }
      const created = await m.getRepository(AlertCase).save(
        m.getRepository(AlertCase).create({
          organizationId: org.organizationId,
          status: AlertCaseStatus.Open,
          level: riskLevel(risk, DEFAULT_THRESHOLDS.alertThreshold),
          riskScore: risk,
          peakScore: risk,
          organizationScore: org.score,
          drivers,
          evidence: org.detectors,
          benignExplanations: explanations,
          flaggedKeys: mergeKeys([], alertingKeys),
          firstDetectedAt: detectedAt,
          lastDetectedAt: detectedAt,
          version: 1,
        }),
      );
      await this.event(m, created.id, 'opened', null, null, { riskScore: risk, drivers });
      // Inside the transaction: a case the audit log did not accept is not opened (the job retries).
      await this.activity.record({
        actorUserId: null,
        organizationId: org.organizationId,
        action: 'alert_case.opened',
        subjectType: 'AlertCase',
        subjectId: created.id,
        reason: `Detection: ${drivers.join(', ')}`,
        details: {
          riskScore: risk,
          level: created.level,
          flaggedKeys: created.flaggedKeys.map((k) => k.apiKeyId),
        },
        occurredAt: detectedAt,
      });
      return created;
    });
    if (!opened) return 'refreshed';
    return 'opened';
  }

  private event(
    m: EntityManager,
    caseId: string,
    kind: string,
    actor: string | null,
    reason: string | null,
    details: Record<string, unknown>,
  ) {
    return m
      .getRepository(AlertCaseEvent)
      .save({ caseId, kind, actorUserId: actor, reason, details });
  }
}

function mergeKeys(existing: FlaggedKey[], alerting: RiskAssessment[]): FlaggedKey[] {
  const byId = new Map(existing.map((k) => [k.apiKeyId, k]));
  for (const a of alerting) {
    const at = a.windowEnd.toISOString();
    const before = byId.get(a.subjectId);
    byId.set(a.subjectId, {
      apiKeyId: a.subjectId,
      score: a.score,
      level: a.level,
      drivers: a.drivers,
      firstDetectedAt: before?.firstDetectedAt ?? at,
      lastDetectedAt: at,
    });
  }
  return [...byId.values()].sort((x, y) => y.score - x.score);
}
