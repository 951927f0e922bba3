import { DetectorName } from './detectors/detector';

/**
 * Every threshold and weight detection uses, in one place, so the evaluation harness and a
 * reviewer reading a case see the same numbers. Values were tuned on seed 1 of the synthetic
 * traffic and checked on other seeds (docs/detection.md).
 */
export interface DetectionThresholds {
  /** Length of the sliding window scored at each run. */
  windowMinutes: number;
  /** Fewer calls than this in a window and shape-based detectors stay quiet. */
  minCallsForShape: number;
  /** Fewer calls than this and rate-based detectors (shares of calls) stay quiet. */
  minCallsForRates: number;
  /** Estimated Jaccard at or above which two prompts belong to one cluster. */
  clusterSimilarity: number;
  /** Per-detector weight in the noisy-OR combination: how far one detector alone can push the risk. */
  weights: Record<DetectorName, number>;
  /** A subject whose risk reaches this opens (or refreshes) an alert case. */
  alertThreshold: number;
  /** A dismissed pattern stays suppressed unless its score rises by more than this. */
  suppressionMargin: number;
  suppressionDays: number;
}

export const DEFAULT_THRESHOLDS: DetectionThresholds = {
  windowMinutes: 20,
  minCallsForShape: 12,
  minCallsForRates: 5,
  clusterSimilarity: 0.5,
  weights: {
    [DetectorName.Volume]: 0.5,
    [DetectorName.PromptDiversity]: 0.35,
    [DetectorName.TemplatedPrompts]: 0.5,
    [DetectorName.Logprobs]: 0.6,
    [DetectorName.MultiSample]: 0.35,
    [DetectorName.MaxLengthOutputs]: 0.45,
    [DetectorName.ChainOfThought]: 0.35,
    [DetectorName.MachineCadence]: 0.35,
    [DetectorName.KeySpread]: 0.55,
  },
  alertThreshold: 0.75,
  suppressionMargin: 0.15,
  suppressionDays: 30,
};
