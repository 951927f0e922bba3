import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { SubjectContext, SubjectWindow } from '../features/call-feature';
import { machineCadenceDetector } from '../detectors/cadence.detector';
import { type Detector, DetectorName, type DetectorResult } from '../detectors/detector';
import { keySpreadDetector } from '../detectors/key-spread.detector';
import {
  promptDiversityDetector,
  templatedPromptsDetector,
} from '../detectors/prompt-shape.detectors';
import {
  chainOfThoughtDetector,
  logprobsDetector,
  maxLengthOutputsDetector,
  multiSampleDetector,
} from '../detectors/request-params.detectors';
import { volumeDetector } from '../detectors/volume.detector';
import {
  applicationShapeDetector,
  crossOrgClusterDetector,
  instructionCoverageDetector,
} from '../detectors/coverage.detectors';
import { historyDriftDetector, populationDriftDetector } from '../detectors/drift.detector';
import { type ActiveSuppression, combine, type RiskAssessment, riskLevel } from './risk-combiner';

export const DETECTORS: readonly Detector[] = [
  volumeDetector,
  promptDiversityDetector,
  templatedPromptsDetector,
  logprobsDetector,
  multiSampleDetector,
  maxLengthOutputsDetector,
  chainOfThoughtDetector,
  machineCadenceDetector,
  keySpreadDetector,
  instructionCoverageDetector,
  applicationShapeDetector,
  historyDriftDetector,
  populationDriftDetector,
  crossOrgClusterDetector,
];

/**
 * Scores one subject's window. A key also carries its organisation's verdicts that implicate it
 * (key spread, coverage, drift, cross-organisation): alone, each shard of a campaign spread over
 * many keys looks small and innocent.
 */
export function assessSubject(
  window: SubjectWindow,
  context: SubjectContext,
  options: {
    thresholds?: DetectionThresholds;
    suppressions?: readonly ActiveSuppression[];
    organizationEvidence?: readonly DetectorResult[];
    /** Detectors switched off (the evaluation's ablations). */
    disabled?: ReadonlySet<DetectorName>;
  } = {},
): RiskAssessment {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const results = DETECTORS.map((d) => d({ window, context, thresholds }))
    .filter((r) => !options.disabled?.has(r.detector))
    .map((r) => {
      if (window.subjectType !== 'api_key') return r;
      const inherited = options.organizationEvidence?.find((o) => o.detector === r.detector);
      if (!inherited?.implicatedKeyIds?.includes(window.subjectId) || inherited.score <= r.score)
        return r;
      return {
        ...inherited,
        summary: `Organisation-level: ${inherited.summary}`,
        implicatedKeyIds: undefined,
      };
    });
  const { score, detectors, drivers } = combine(
    results,
    thresholds,
    options.suppressions ?? [],
    window.apiKeyId,
  );
  return {
    subjectType: window.subjectType,
    subjectId: window.subjectId,
    organizationId: window.organizationId,
    apiKeyId: window.apiKeyId,
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    calls: window.calls.length,
    score,
    level: riskLevel(score, thresholds.alertThreshold),
    drivers,
    detectors,
    alert: score >= thresholds.alertThreshold,
  };
}
