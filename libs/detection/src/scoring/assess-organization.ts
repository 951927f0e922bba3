import { DEFAULT_THRESHOLDS, type DetectionThresholds } from '../detection.config';
import type { CallFeature, SubjectContext } from '../features/call-feature';
import { DetectorName } from '../detectors/detector';
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
}

const NO_CONTEXT: SubjectContext = {
  contractBaselineTokensPerHour: null,
  historyTokensPerHour: null,
  historyHours: 0,
  activeHoursLast24h: 0,
};

/** The organisation's assessment first, then one per active key. */
export function assessOrganization(input: OrganizationWindowInput): RiskAssessment[] {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const calls = [...input.calls].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const base = { organizationId: input.organizationId, windowStart: input.windowStart, windowEnd: input.windowEnd };
  const org = assessSubject(
    { ...base, subjectType: 'organization', subjectId: input.organizationId, apiKeyId: null, calls },
    input.context,
    { thresholds, suppressions: input.suppressions },
  );
  const keySpread = org.detectors.find((d) => d.detector === DetectorName.KeySpread);
  const byKey = new Map<string, CallFeature[]>();
  for (const c of calls) byKey.set(c.apiKeyId, [...(byKey.get(c.apiKeyId) ?? []), c]);
  const keys = [...byKey.entries()].map(([keyId, keyCalls]) =>
    assessSubject(
      { ...base, subjectType: 'api_key', subjectId: keyId, apiKeyId: keyId, calls: keyCalls },
      input.keyContexts.get(keyId) ?? NO_CONTEXT,
      { thresholds, suppressions: input.suppressions, organizationKeySpread: keySpread?.suppressedBy ? undefined : keySpread },
    ),
  );
  return [org, ...keys.map((k) => shardOf(org, k, keySpread?.suppressedBy ? undefined : keySpread))];
}

/**
 * A key the organisation's traffic was evenly sharded over carries the organisation's risk: each
 * shard is deliberately too small to judge alone, and the evidence is the pattern across them.
 */
function shardOf(org: RiskAssessment, key: RiskAssessment, spread: RiskAssessment['detectors'][number] | undefined): RiskAssessment {
  if (!spread?.implicatedKeyIds?.includes(key.subjectId) || org.score <= key.score) return key;
  return {
    ...key,
    score: org.score,
    level: org.level,
    alert: org.alert,
    drivers: [...new Set([DetectorName.KeySpread, ...org.drivers])],
  };
}
