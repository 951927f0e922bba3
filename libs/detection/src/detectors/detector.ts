import type { SubjectContext, SubjectWindow } from '../features/call-feature';
import type { DetectionThresholds } from '../detection.config';

export enum DetectorName {
  Volume = 'volume',
  PromptDiversity = 'prompt_diversity',
  TemplatedPrompts = 'templated_prompts',
  Logprobs = 'logprobs',
  MultiSample = 'multi_sample',
  MaxLengthOutputs = 'max_length_outputs',
  ChainOfThought = 'chain_of_thought',
  MachineCadence = 'machine_cadence',
  KeySpread = 'key_spread',
  InstructionCoverage = 'instruction_coverage',
  ApplicationShape = 'application_shape',
  HistoryDrift = 'history_drift',
  PopulationDrift = 'population_drift',
  CrossOrgCluster = 'cross_org_cluster',
}

/** One detector's verdict on one subject: a 0..1 score a reviewer can check against the figures behind it. */
export interface DetectorResult {
  detector: DetectorName;
  score: number;
  /** One sentence a reviewer reads in the case. */
  summary: string;
  metrics: Record<string, number | string | null>;
  /** Keys implicated (key spread and the long-horizon detectors), so each key inherits the org-level evidence. */
  implicatedKeyIds?: string[];
}

export interface DetectorInput {
  window: SubjectWindow;
  context: SubjectContext;
  thresholds: DetectionThresholds;
}

export type Detector = (input: DetectorInput) => DetectorResult;

export const quiet = (
  detector: DetectorName,
  summary: string,
  metrics: DetectorResult['metrics'] = {},
): DetectorResult => ({
  detector,
  score: 0,
  summary,
  metrics,
});

export const windowHours = (w: SubjectWindow): number =>
  Math.max((w.windowEnd.getTime() - w.windowStart.getTime()) / 3_600_000, 1 / 60);

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Coefficient of variation (stddev / mean); 0 for fewer than two values or a zero mean. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}
