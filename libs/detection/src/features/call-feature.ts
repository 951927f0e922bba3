/**
 * What detection knows about one premium call, taken from the audit log. No prompt or completion
 * text: only parameters, sizes, timing and fingerprints, so detection works for every organisation,
 * whether or not its contract lets us retain texts.
 */
export interface CallFeature {
  requestId: string;
  organizationId: string;
  apiKeyId: string;
  occurredAt: Date;
  n: number;
  maxTokens: number | null;
  logprobs: boolean;
  topLogprobs: number | null;
  inputTokens: number;
  outputTokens: number;
  finishReason: string | null;
  promptSha256: string;
  /** MinHash signature over the prompt's word shingles (same length for every call). */
  promptMinhash: readonly number[];
  /** Flags derived from the prompt text at ingest (see `promptSignals`), e.g. `cot_elicitation`, `single_turn`. */
  promptFlags: readonly string[];
  /** No sampling parameter set (temperature, top_p, max_tokens, n, logprobs): an SDK's defaults. */
  defaultParams: boolean;
}

/** Calls of one subject (an organisation or one of its keys) in the window being scored. */
export interface SubjectWindow {
  subjectType: 'organization' | 'api_key';
  subjectId: string;
  organizationId: string;
  apiKeyId: string | null;
  windowStart: Date;
  windowEnd: Date;
  /** Sorted by occurredAt ascending. */
  calls: readonly CallFeature[];
}

/** What detection knows about the subject beyond the window: the contract and its own past. */
export interface SubjectContext {
  /**
   * Premium tokens per hour the contract's minimum commitment pays for (minimum spend over the
   * period, at the tier's price); for a key, its organisation's; null without a contract.
   */
  contractBaselineTokensPerHour: number | null;
  /** Tokens in the subject's busiest hour of its trailing week before the window; null with under 20 hours of history. */
  historyTokensPerHour: number | null;
  /** Hours of history behind historyCallsPerHour. */
  historyHours: number;
  /** Distinct UTC hours of the day with traffic over the trailing 24 hours (around-the-clock use). */
  activeHoursLast24h: number;
  /** Hours-to-days evidence (organisations; a key gets its own calls' share); absent in short-window-only scoring. */
  horizon?: SubjectHorizon;
}

/** One call as the long-horizon detectors see it. */
export interface HorizonCall {
  apiKeyId: string;
  occurredAt: Date;
  /**
   * No LSH band of its prompt's content was seen from this organisation before: a prompt new to it.
   * Bands the organisation's own template (a shared preamble or suffix) produces are not content.
   */
  novel: boolean;
  /** Some of its bands were the organisation's template's, and were left out of `novel`. */
  templated: boolean;
  flags: readonly string[];
  defaultParams: boolean;
  inputTokens: number;
  outputTokens: number;
  promptMinhash: readonly number[];
  /** Its remembered prompt bands (LSH), to tell which of its prompts other organisations also began sending. */
  bands?: readonly string[];
}

/** Evidence beyond the 20-minute window: the trailing hours, a sample of the past, other organisations. */
export interface SubjectHorizon {
  hours: number;
  /** Calls of the trailing `hours`, ascending. */
  calls: readonly HorizonCall[];
  /** A sample of the subject's own calls from every hour of the week before the horizon, for drift. */
  history: readonly HorizonCall[];
  /** Other organisations that began sending the same new prompts within the last day (accounts of one campaign). */
  crossOrg: CrossOrgEvidence | null;
  /**
   * A sample of every other organisation's recent calls, whoever they are (no label, no vetting):
   * the population this organisation's traffic is compared with. Absent for keys.
   */
  population?: readonly HorizonCall[];
  /**
   * Per key, its calls over the longer cross-organisation horizon (24 h): read only for organisations
   * whose run already alerts, so a shard too slow to show in 6 h is judged on a day of its traffic.
   */
  keyTraffic?: readonly KeyTraffic[];
}

/** One key's traffic over the longer horizon: how much of it was bare with SDK defaults. */
export interface KeyTraffic {
  apiKeyId: string;
  hours: number;
  calls: number;
  bareDefaultCalls: number;
}

export interface CrossOrgEvidence {
  /** This organisation and those directly linked to it by shared newly-seen prompts. */
  groupSize: number;
  /** Approximate number of this organisation's new prompts that other group members also sent new. */
  sharedPrompts: number;
  partners: { organizationId: string; sharedPrompts: number }[];
  /** Per shared band, the linked organisations that also began sending it: which calls (and keys) carry the link. */
  bandPartners?: ReadonlyMap<string, readonly string[]>;
}
