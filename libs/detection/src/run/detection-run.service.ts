import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThan } from 'typeorm';
import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type {
  CallFeature,
  HorizonCall,
  KeyTraffic,
  SubjectContext,
  SubjectHorizon,
} from '../features/call-feature';
import type { DetectorName } from '../detectors/detector';
import { groupBy } from '../features/group-by';
import { DetectionSuppression } from '../entities/detection-suppression.entity';
import { AlertCase, LIVE_CASE_STATUSES } from '../entities/alert-case.entity';
import { assessOrganization, type LiveCase } from '../scoring/assess-organization';
import type { ActiveSuppression, RiskAssessment } from '../scoring/risk-combiner';
import { AlertCaseWriter } from './alert-case.writer';
import { AuditFeatureReader } from './audit-feature.reader';
import { HorizonReader } from './horizon.reader';

export interface DetectionRunSummary {
  asOf: string;
  windowStart: string;
  organizations: number;
  /** Organisations left for the next run because the time budget ran out. */
  organizationsDeferred: number;
  keys: number;
  alerting: number;
  casesOpened: number;
  casesRefreshed: number;
  /** Band-memory rows forgotten by this run (unsent for `bandRetentionDays`). */
  bandsPurged: number;
  durationMs: number;
}

export interface DetectionRunOptions {
  /** Wall-clock budget; organisations not reached are deferred (logged, counted). */
  budgetMs?: number;
  /** Detectors switched off (the evaluation's ablations). */
  disabled?: ReadonlySet<DetectorName>;
}

/** The worker's defaults for every run (its time budget). */
export const DETECTION_RUN_OPTIONS = Symbol('DETECTION_RUN_OPTIONS');

/** The run stopped because the process is shutting down; the job is retried by the next worker. */
export class DetectionRunCancelled extends Error {
  constructor() {
    super('detection run cancelled by shutdown');
  }
}

/** Organisations scored per batch of queries; the budget and cancellation are checked between batches. */
const CHUNK = 50;
const DEFAULT_BUDGET_MS = 120_000;

const NO_CONTEXT: SubjectContext = {
  contractBaselineTokensPerHour: null,
  historyTokensPerHour: null,
  historyHours: 0,
  activeHoursLast24h: 0,
};

/**
 * One detection pass over the sliding window ending at `asOf`: every organisation and key with
 * premium traffic is scored on the window and on its trailing hours, scores are stored, and
 * alerting organisations get a case for a human reviewer (nothing here suspends anyone). Safe to
 * repeat for the same `asOf` (a redelivered job): scores are keyed by window, cases by organisation.
 */
@Injectable()
export class DetectionRunService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DetectionRunService.name);
  private readonly thresholds: DetectionThresholds = DEFAULT_THRESHOLDS;
  private readonly shutdown = new AbortController();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly features: AuditFeatureReader,
    private readonly horizons: HorizonReader,
    private readonly cases: AlertCaseWriter,
    @Optional() @Inject(DETECTION_RUN_OPTIONS) private readonly defaults: DetectionRunOptions = {},
  ) {}

  /** Called by Nest on SIGTERM before the BullMQ worker closes: the active run stops at its next batch. */
  beforeApplicationShutdown(): void {
    this.shutdown.abort();
  }

  async run(asOf: Date, options: DetectionRunOptions = {}): Promise<DetectionRunSummary> {
    if (this.shutdown.signal.aborted) throw new DetectionRunCancelled();
    const started = Date.now();
    const deadline = started + (options.budgetMs ?? this.defaults.budgetMs ?? DEFAULT_BUDGET_MS);
    const t = this.thresholds;
    const windowStart = new Date(asOf.getTime() - t.windowMinutes * 60_000);
    await this.horizons.rememberBands(
      windowStart,
      asOf,
      new Date(asOf.getTime() - t.horizonHours * 3_600_000),
    );
    const purged = await this.horizons.purgeBands(asOf, t.bandRetentionDays);
    const calls = await this.features.callsBetween(windowStart, asOf);
    const byOrg = groupBy(calls, (c) => c.organizationId);
    const orgIds = [...byOrg.keys()];
    const summary: DetectionRunSummary = {
      asOf: asOf.toISOString(),
      windowStart: windowStart.toISOString(),
      organizations: orgIds.length,
      organizationsDeferred: 0,
      keys: 0,
      alerting: 0,
      casesOpened: 0,
      casesRefreshed: 0,
      bandsPurged: purged,
      durationMs: 0,
    };
    // Rotate the starting point so that, when budgets run out, no organisation is always last.
    const offset = orgIds.length ? Math.floor(asOf.getTime() / 60_000) % orgIds.length : 0;
    const ordered = [...orgIds.slice(offset), ...orgIds.slice(0, offset)];
    const population = await this.horizons.populationSample(orgIds, asOf, t.horizonHours);
    for (let i = 0; i < ordered.length; i += CHUNK) {
      if (this.shutdown.signal.aborted) throw new DetectionRunCancelled();
      if (Date.now() >= deadline) {
        summary.organizationsDeferred = ordered.length - i;
        this.logger.warn({
          msg: 'detection run out of budget',
          asOf: summary.asOf,
          deferred: summary.organizationsDeferred,
        });
        break;
      }
      await this.scoreChunk(
        ordered.slice(i, i + CHUNK),
        byOrg,
        population,
        windowStart,
        asOf,
        summary,
        options,
      );
    }
    summary.durationMs = Date.now() - started;
    this.logger.log({ msg: 'detection run', ...summary });
    return summary;
  }

  private async scoreChunk(
    orgIds: string[],
    byOrg: Map<string, CallFeature[]>,
    population: Map<string, HorizonCall[]>,
    windowStart: Date,
    asOf: Date,
    summary: DetectionRunSummary,
    options: DetectionRunOptions,
  ): Promise<void> {
    const t = this.thresholds;
    const horizonStart = new Date(asOf.getTime() - t.horizonHours * 3_600_000);
    const [{ organizations, keys }, suppressions, recent, history, crossOrg] = await Promise.all([
      this.features.contexts(orgIds, windowStart, asOf),
      this.activeSuppressions(orgIds, asOf),
      this.horizons.horizonCalls(orgIds, asOf, t.horizonHours),
      this.horizons.historySample(orgIds, horizonStart),
      this.horizons.crossOrg(orgIds, asOf, t.crossOrgHours),
    ]);
    const liveCases = await this.liveCases(orgIds);
    const assess = (organizationId: string, keyTraffic?: KeyTraffic[]): RiskAssessment[] => {
      const horizon: SubjectHorizon = {
        hours: t.horizonHours,
        calls: recent.get(organizationId) ?? [],
        history: history.get(organizationId) ?? [],
        crossOrg: crossOrg.get(organizationId) ?? null,
        population: [...population].flatMap(([id, list]) => (id === organizationId ? [] : list)),
        keyTraffic,
      };
      // Each key's share of the horizon, split in one pass each (not one filter per key).
      const keyContexts = new Map<string, SubjectContext>();
      const historyByKey = groupBy(horizon.history, (c) => c.apiKeyId);
      for (const [keyId, calls] of groupBy(horizon.calls, (c) => c.apiKeyId)) {
        keyContexts.set(keyId, {
          ...(keys.get(keyId) ?? NO_CONTEXT),
          horizon: {
            hours: horizon.hours,
            calls,
            history: historyByKey.get(keyId) ?? [],
            crossOrg: null,
          },
        });
      }
      return assessOrganization({
        organizationId,
        windowStart,
        windowEnd: asOf,
        calls: byOrg.get(organizationId) ?? [],
        context: { ...(organizations.get(organizationId) ?? NO_CONTEXT), horizon },
        keyContexts,
        suppressions: suppressions.get(organizationId) ?? [],
        thresholds: t,
        disabled: options.disabled,
        liveCase: liveCases.get(organizationId) ?? null,
      });
    };
    const assessments = orgIds.map((id) => assess(id));
    // Organisations that alert, or have a case a reviewer has not closed, are scored again with a day
    // of per-key traffic, so the keys of a campaign too slow to show in the horizon (or that joined
    // after the organisation's score fell) are found too (one query, for those few).
    const alerting = assessments
      .filter(([org]) => org.alert || liveCases.has(org.subjectId))
      .map(([org]) => org.subjectId);
    const keyTraffic = await this.horizons.keyTraffic(alerting, asOf, t.crossOrgHours);
    for (const [i, id] of orgIds.entries())
      if (keyTraffic.has(id)) assessments[i] = assess(id, keyTraffic.get(id));
    await this.storeScores(assessments.flat());
    for (const [org, ...keyAssessments] of assessments) {
      summary.keys += keyAssessments.length;
      if (!org.alert && !keyAssessments.some((k) => k.alert)) continue;
      summary.alerting++;
      const horizonCalls = recent.get(org.organizationId) ?? [];
      const outcome = await this.cases.openOrRefresh(
        org,
        keyAssessments.filter((k) => k.alert),
        horizonCalls,
      );
      if (outcome === 'opened') summary.casesOpened++;
      else summary.casesRefreshed++;
    }
  }

  /** Each organisation's case that is still open, acknowledged or escalated (at most one each). */
  private async liveCases(orgIds: string[]): Promise<Map<string, LiveCase>> {
    const rows = await this.db.getRepository(AlertCase).find({
      select: { organizationId: true, riskScore: true, drivers: true },
      where: { organizationId: In(orgIds), status: In([...LIVE_CASE_STATUSES]) },
    });
    return new Map(
      rows.map((r) => [r.organizationId, { riskScore: r.riskScore, drivers: r.drivers }]),
    );
  }

  private async activeSuppressions(
    orgIds: string[],
    asOf: Date,
  ): Promise<Map<string, ActiveSuppression[]>> {
    const rows = await this.db.getRepository(DetectionSuppression).find({
      where: { organizationId: In(orgIds), expiresAt: MoreThan(asOf) },
    });
    const out = new Map<string, ActiveSuppression[]>();
    for (const r of rows) {
      const list = out.get(r.organizationId) ?? [];
      list.push({
        detector: r.detector as DetectorName,
        apiKeyId: r.apiKeyId,
        dismissedScore: r.dismissedScore,
        reason: r.reason,
      });
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
