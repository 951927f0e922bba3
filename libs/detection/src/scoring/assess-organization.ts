import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { CallFeature, SubjectContext } from '../features/call-feature';
import type { DetectorName } from '../detectors/detector';
import { groupBy } from '../features/group-by';
import { assessSubject } from './assess';
import { type ActiveSuppression, type RiskAssessment, riskLevel } from './risk-combiner';

export interface OrganizationWindowInput {
  organizationId: string;
  windowStart: Date;
  windowEnd: Date;
  /** The organisation's calls in the window, any order. */
  calls: readonly CallFeature[];
  context: SubjectContext;
  /** Per key; a key without an entry is scored without history. */
  keyContexts: ReadonlyMap<string, SubjectContext>;
  suppressions: readonly ActiveSuppression[];
  thresholds?: DetectionThresholds;
  disabled?: ReadonlySet<DetectorName>;
  /**
   * The organisation's case a reviewer has not closed yet, if any: the campaign it is about goes on
   * being attributed to keys whose own traffic shows that campaign's evidence, after the
   * organisation's own score has fallen (its prompts are no longer new) and keys join one by one.
   */
  liveCase?: LiveCase | null;
}

/** What an open (or acknowledged, escalated) case says about the organisation. */
export interface LiveCase {
  riskScore: number;
  /** The detectors that drove it. */
  drivers: readonly string[];
}

const NO_CONTEXT: SubjectContext = {
  contractBaselineTokensPerHour: null,
  historyTokensPerHour: null,
  historyHours: 0,
  activeHoursLast24h: 0,
};

/** The organisation's assessment first, then one per key active in the window or the horizon. */
export function assessOrganization(input: OrganizationWindowInput): RiskAssessment[] {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const calls = [...input.calls].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const base = {
    organizationId: input.organizationId,
    windowStart: input.windowStart,
    windowEnd: input.windowEnd,
  };
  const org = assessSubject(
    {
      ...base,
      subjectType: 'organization',
      subjectId: input.organizationId,
      apiKeyId: null,
      calls,
    },
    input.context,
    { thresholds, suppressions: input.suppressions, disabled: input.disabled },
  );
  // Evidence a dismissal muted is not passed on to the keys either.
  const evidence = org.detectors.filter((d) => !d.suppressedBy && d.implicatedKeyIds?.length);
  const byKey = groupBy(calls, (c) => c.apiKeyId);
  for (const d of evidence)
    for (const k of d.implicatedKeyIds ?? []) if (!byKey.has(k)) byKey.set(k, []);
  const keys = [...byKey.entries()].map(([keyId, keyCalls]) =>
    assessSubject(
      { ...base, subjectType: 'api_key', subjectId: keyId, apiKeyId: keyId, calls: keyCalls },
      input.keyContexts.get(keyId) ?? NO_CONTEXT,
      {
        thresholds,
        suppressions: input.suppressions,
        organizationEvidence: evidence,
        disabled: input.disabled,
      },
    ),
  );
  return [org, ...keys.map((k) => shardOf(org, k, evidence, input.liveCase ?? null, thresholds))];
}

/**
 * A key that carried the organisation's pattern carries the organisation's risk: each shard is
 * deliberately too small to judge alone, and the evidence is the pattern across them. The key's own
 * traffic must be implicated by a detector that drives the organisation's score now, or drove the
 * live case about it: then it carries the larger of the two risks. Keys the evidence does not
 * implicate (an application's keys beside a distiller's) keep their own score.
 */
function shardOf(
  org: RiskAssessment,
  key: RiskAssessment,
  evidence: RiskAssessment['detectors'],
  liveCase: LiveCase | null,
  thresholds: DetectionThresholds,
): RiskAssessment {
  const implicatedBy = (drivers: readonly string[]) =>
    evidence.filter(
      (d) => drivers.includes(d.detector) && d.implicatedKeyIds?.includes(key.subjectId),
    );
  const now = implicatedBy(org.drivers);
  const byCase = liveCase ? implicatedBy(liveCase.drivers) : [];
  const implicating = [...new Set([...now, ...byCase])];
  const score = Math.max(now.length ? org.score : 0, byCase.length ? liveCase!.riskScore : 0);
  if (!implicating.length || score <= key.score) return key;
  return {
    ...key,
    score,
    level: riskLevel(score, thresholds.alertThreshold),
    alert: score >= thresholds.alertThreshold,
    drivers: [...new Set([...implicating.map((d) => d.detector), ...org.drivers])],
  };
}
