import type { DetectionThresholds } from '../detection.config';
import { round3 } from '../features/minhash-similarity';
import { DetectorName, type DetectorResult } from '../detectors/detector';

/** A reviewer's earlier "false positive" on this pattern: the detector stays muted unless it gets worse. */
export interface ActiveSuppression {
  detector: DetectorName;
  /** null: the whole organisation; otherwise one key. */
  apiKeyId: string | null;
  /** The detector's score when the case was dismissed. */
  dismissedScore: number;
  reason: string;
}

export interface ScoredDetector extends DetectorResult {
  weight: number;
  /** Set when a suppression muted this detector: its contribution is zero. */
  suppressedBy?: string;
  /** Set when a suppression would have muted it, but new signals changed the pattern it covered. */
  suppressionLifted?: string;
}

export type RiskLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface RiskAssessment {
  subjectType: 'organization' | 'api_key';
  subjectId: string;
  organizationId: string;
  apiKeyId: string | null;
  windowStart: Date;
  windowEnd: Date;
  calls: number;
  score: number;
  level: RiskLevel;
  /** Detectors that drove the score, strongest contribution first. */
  drivers: DetectorName[];
  detectors: ScoredDetector[];
  alert: boolean;
}

export function riskLevel(score: number, alertThreshold: number): RiskLevel {
  if (score >= 0.92) return 'critical';
  if (score >= alertThreshold) return 'high';
  if (score >= 0.5) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

/**
 * Noisy-OR: each detector is independent evidence that can raise the risk to at most its weight,
 * so no single signal (a support bot's long system prompt, a batch job's regular cadence) reaches
 * the alert threshold alone; it takes corroborating signals. Circumstantial signals (see
 * DetectionThresholds.circumstantial) count together for at most `circumstantialCap`.
 */
export function combine(
  results: readonly DetectorResult[],
  thresholds: DetectionThresholds,
  suppressions: readonly ActiveSuppression[],
  apiKeyId: string | null,
): { score: number; detectors: ScoredDetector[]; drivers: DetectorName[] } {
  const mutedBy = (r: DetectorResult) =>
    suppressions.find(
      (s) =>
        s.detector === r.detector &&
        (s.apiKeyId === null || s.apiKeyId === apiKeyId) &&
        r.score <= s.dismissedScore + thresholds.suppressionMargin,
    );
  const plainOr = (rs: readonly DetectorResult[]) =>
    1 - rs.reduce((rem, r) => rem * (1 - thresholds.weights[r.detector] * r.score), 1);
  const isCircumstantial = (r: DetectorResult) => thresholds.circumstantial.includes(r.detector);
  const noisyOr = (rs: readonly DetectorResult[]) => {
    const circumstantial = Math.min(
      plainOr(rs.filter(isCircumstantial)),
      thresholds.circumstantialCap,
    );
    return 1 - (1 - plainOr(rs.filter((r) => !isCircumstantial(r)))) * (1 - circumstantial);
  };
  // A dismissal covers the pattern the reviewer saw. When the detectors it did not mute already make
  // a case of their own (medium risk), the pattern has changed, and the muted evidence counts again.
  const fresh = results.filter((r) => !mutedBy(r));
  const patternChanged = fresh.length < results.length && noisyOr(fresh) >= PATTERN_CHANGED_RISK;
  const detectors: ScoredDetector[] = results.map((r) => {
    const weight = thresholds.weights[r.detector];
    const muting = mutedBy(r);
    if (!muting) return { ...r, weight };
    return patternChanged
      ? { ...r, weight, suppressionLifted: muting.reason }
      : { ...r, weight, suppressedBy: muting.reason };
  });
  const counted = detectors.filter((d) => !d.suppressedBy);
  const contribution = (d: ScoredDetector) => (d.suppressedBy ? 0 : d.weight * d.score);
  const drivers = detectors
    .filter((d) => contribution(d) >= 0.1)
    .sort((a, b) => contribution(b) - contribution(a))
    .map((d) => d.detector);
  return { score: round3(noisyOr(counted)), detectors, drivers };
}

/** Risk from signals a dismissal did not cover at which the dismissed pattern no longer applies. */
const PATTERN_CHANGED_RISK = 0.5;
