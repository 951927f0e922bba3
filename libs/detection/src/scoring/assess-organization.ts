import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { CallFeature, SubjectContext } from '../features/call-feature';
import type { DetectorName } from '../detectors/detector';
import { assessSubject } from './assess';
import type { ActiveSuppression, RiskAssessment } from './risk-combiner';

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
  const byKey = new Map<string, CallFeature[]>();
  for (const c of calls) byKey.set(c.apiKeyId, [...(byKey.get(c.apiKeyId) ?? []), c]);
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
  return [org, ...keys.map((k) => shardOf(org, k, evidence))];
}

/**
 * A key that carried the organisation's pattern carries the organisation's risk: each shard is
 * deliberately too small to judge alone, and the evidence is the pattern across them.
 */
function shardOf(
  org: RiskAssessment,
  key: RiskAssessment,
  evidence: RiskAssessment['detectors'],
): RiskAssessment {
  const implicating = evidence.filter(
    (d) => org.drivers.includes(d.detector) && d.implicatedKeyIds?.includes(key.subjectId),
  );
  if (!implicating.length || org.score <= key.score) return key;
  return {
    ...key,
    score: org.score,
    level: org.level,
    alert: org.alert,
    drivers: [...new Set([...implicating.map((d) => d.detector), ...org.drivers])],
  };
}
