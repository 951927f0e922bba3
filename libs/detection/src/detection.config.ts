import { DetectorName } from './detectors/detector';

/**
 * Every threshold and weight detection uses, in one place, so the evaluation harness and a
 * reviewer reading a case see the same numbers. Tuned on the development split of the evaluation
 * only (scripts/traffic/corpus-split.ts); the held-out split reports (docs/detection.md).
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
  /**
   * Signals that also describe ordinary heavy use (a nightly batch is voluminous, machine-regular,
   * asks for step-by-step reasoning and sends varied prompts): together they can raise the risk to
   * at most `circumstantialCap`, so an alert always needs evidence of harvesting itself.
   */
  circumstantial: readonly DetectorName[];
  circumstantialCap: number;
  /** A subject whose risk reaches this opens (or refreshes) an alert case. */
  alertThreshold: number;
  /** A dismissed pattern stays suppressed unless its score rises by more than this. */
  suppressionMargin: number;
  suppressionDays: number;
  /** Hours of trailing traffic the long-horizon detectors (coverage, shape, drift) read. */
  horizonHours: number;
  /** Hours over which organisations' newly-seen prompts are compared with each other. */
  crossOrgHours: number;
  /**
   * Days after which a prompt band no organisation re-sent is forgotten (the band memory's purge).
   * Longer than the week of history drift reads; a prompt re-sent at least this often never looks new.
   */
  bandRetentionDays: number;
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
    [DetectorName.InstructionCoverage]: 0.7,
    [DetectorName.ApplicationShape]: 0.5,
    [DetectorName.HistoryDrift]: 0.45,
    [DetectorName.PopulationDrift]: 0.3,
    [DetectorName.CrossOrgCluster]: 0.6,
  },
  circumstantial: [
    DetectorName.Volume,
    DetectorName.PromptDiversity,
    DetectorName.ChainOfThought,
    DetectorName.MachineCadence,
    // Every application is unlike the mixture of all the others: a difference from the population
    // is context for a reviewer, never harvesting evidence on its own.
    DetectorName.PopulationDrift,
  ],
  circumstantialCap: 0.5,
  alertThreshold: 0.75,
  suppressionMargin: 0.15,
  suppressionDays: 30,
  horizonHours: 6,
  crossOrgHours: 24,
  bandRetentionDays: 30,
};
