import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThan } from 'typeorm';
import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { DetectorName } from '../detectors/detector';
import { DetectionSuppression } from '../entities/detection-suppression.entity';
import { assessOrganization } from '../scoring/assess-organization';
import type { ActiveSuppression, RiskAssessment } from '../scoring/risk-combiner';
import { AlertCaseWriter } from './alert-case.writer';
import { AuditFeatureReader } from './audit-feature.reader';

export interface DetectionRunSummary {
  asOf: string;
  windowStart: string;
  organizations: number;
  keys: number;
  alerting: number;
  casesOpened: number;
  casesRefreshed: number;
}


/**
 * One detection pass over the sliding window ending at `asOf`: every organisation and key with
 * premium traffic is scored, scores are stored, and alerting organisations get a case. Safe to
 * repeat for the same `asOf` (a redelivered job): scores are keyed by window, cases by organisation.
 */
@Injectable()
export class DetectionRunService {
  private readonly logger = new Logger(DetectionRunService.name);
  private readonly thresholds: DetectionThresholds = DEFAULT_THRESHOLDS;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly features: AuditFeatureReader,
    private readonly cases: AlertCaseWriter,
  ) {}

  async run(asOf: Date): Promise<DetectionRunSummary> {
    const t = this.thresholds;
    const windowStart = new Date(asOf.getTime() - t.windowMinutes * 60_000);
    const calls = await this.features.callsBetween(windowStart, asOf);
    const byOrg = new Map<string, typeof calls>();
    for (const c of calls) byOrg.set(c.organizationId, [...(byOrg.get(c.organizationId) ?? []), c]);
    const orgIds = [...byOrg.keys()];
    const summary: DetectionRunSummary = {
      asOf: asOf.toISOString(),
      windowStart: windowStart.toISOString(),
      organizations: orgIds.length,
      keys: 0,
      alerting: 0,
      casesOpened: 0,
      casesRefreshed: 0,
    };
    if (!orgIds.length) return summary;
    const [{ organizations, keys }, suppressions] = await Promise.all([
      this.features.contexts(orgIds, windowStart, asOf),
      this.activeSuppressions(orgIds, asOf),
    ]);
    const assessments: RiskAssessment[][] = orgIds.map((organizationId) =>
      assessOrganization({
        organizationId,
        windowStart,
        windowEnd: asOf,
        calls: byOrg.get(organizationId) ?? [],
        context: organizations.get(organizationId) ?? { contractBaselineTokensPerHour: null, historyTokensPerHour: null, historyHours: 0, activeHoursLast24h: 0 },
        keyContexts: keys,
        suppressions: suppressions.get(organizationId) ?? [],
        thresholds: t,
      }),
    );
    await this.storeScores(assessments.flat());
    for (const [org, ...keyAssessments] of assessments) {
      summary.keys += keyAssessments.length;
      if (!org.alert && !keyAssessments.some((k) => k.alert)) continue;
      summary.alerting++;
      const outcome = await this.cases.openOrRefresh(org, keyAssessments.filter((k) => k.alert));
      if (outcome === 'opened') summary.casesOpened++;
      else summary.casesRefreshed++;
    }
    this.logger.log({ msg: 'detection run', ...summary });
    return summary;
  }

  private async activeSuppressions(orgIds: string[], asOf: Date): Promise<Map<string, ActiveSuppression[]>> {
    const rows = await this.db.getRepository(DetectionSuppression).find({
      where: { organizationId: In(orgIds), expiresAt: MoreThan(asOf) },
    });
    const out = new Map<string, ActiveSuppression[]>();
    for (const r of rows) {
      const list = out.get(r.organizationId) ?? [];
      list.push({ detector: r.detector as DetectorName, apiKeyId: r.apiKeyId, dismissedScore: r.dismissedScore, reason: r.reason });
      out.set(r.organizationId, list);
    }
    return out;
  }

  /** Every scored subject with traffic, one statement; a repeated window is ignored. */
  private async storeScores(all: RiskAssessment[]): Promise<void> {
    if (!all.length) return;
    const rows = all.map((a) => ({
      subject_type: a.subjectType,
      subject_id: a.subjectId,
      organization_id: a.organizationId,
      api_key_id: a.apiKeyId,
      window_start: a.windowStart.toISOString(),
      window_end: a.windowEnd.toISOString(),
      calls: a.calls,
      score: a.score,
      level: a.level,
      drivers: a.drivers,
      detectors: a.detectors,
    }));
    await this.db.query(
      `INSERT INTO detection_risk_scores
         (subject_type, subject_id, organization_id, api_key_id, window_start, window_end, calls, score, level, drivers, detectors)
       SELECT subject_type, subject_id, organization_id, api_key_id, window_start, window_end, calls, score, level,
              ARRAY(SELECT jsonb_array_elements_text(drivers)), detectors
         FROM jsonb_to_recordset($1::jsonb) AS r(subject_type text, subject_id uuid, organization_id uuid, api_key_id uuid,
              window_start timestamptz, window_end timestamptz, calls int, score float8, level text, drivers jsonb, detectors jsonb)
       ON CONFLICT (subject_type, subject_id, window_end) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
}
