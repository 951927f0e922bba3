import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { SubjectContext, SubjectWindow } from '../features/call-feature';
import { machineCadenceDetector } from '../detectors/cadence.detector';
import { type Detector, DetectorName, type DetectorResult } from '../detectors/detector';
import { keySpreadDetector } from '../detectors/key-spread.detector';
import { promptDiversityDetector, templatedPromptsDetector } from '../detectors/prompt-shape.detectors';
import {
  chainOfThoughtDetector,
  logprobsDetector,
  maxLengthOutputsDetector,
  multiSampleDetector,
} from '../detectors/request-params.detectors';
import { volumeDetector } from '../detectors/volume.detector';
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
];

/**
 * Scores one subject's window. A key also carries its organisation's key-spread verdict when it
 * is one of the keys the traffic was sharded over: alone, each such key looks small and innocent.
 */
export function assessSubject(
  window: SubjectWindow,
  context: SubjectContext,
  options: {
    thresholds?: DetectionThresholds;
    suppressions?: readonly ActiveSuppression[];
    organizationKeySpread?: DetectorResult;
  } = {},
): RiskAssessment {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const results = DETECTORS.map((d) => d({ window, context, thresholds })).map((r) => {
    const inherited = options.organizationKeySpread;
    if (r.detector !== DetectorName.KeySpread || window.subjectType !== 'api_key' || !inherited) return r;
    return inherited.implicatedKeyIds?.includes(window.subjectId)
      ? { ...inherited, summary: `Organisation-level: ${inherited.summary}`, implicatedKeyIds: undefined }
      : r;
  });
  const { score, detectors, drivers } = combine(results, thresholds, options.suppressions ?? [], window.apiKeyId);
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
