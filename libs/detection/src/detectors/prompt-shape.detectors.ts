import {
  clusterWindowPrompts,
  ramp,
  round3,
  type WindowPromptClusters,
} from '../features/minhash-similarity';
import type { CallFeature } from '../features/call-feature';
import { type Detector, DetectorName, type DetectorInput, quiet } from './detector';

/** One clustering per subject's window, shared by the two detectors below (both score every subject). */
const clustered = new WeakMap<
  readonly CallFeature[],
  { threshold: number; result: WindowPromptClusters }
>();

/** The window's prompt clusters, at most `PROMPT_CLUSTER_CAP` of them (`clusterWindowPrompts`). */
function clustersOf({ window, thresholds }: DetectorInput): WindowPromptClusters {
  const threshold = thresholds.clusterSimilarity;
  const cached = clustered.get(window.calls);
  if (cached && Object.is(cached.threshold, threshold)) return cached.result;
  const result = clusterWindowPrompts(
    window.calls.map((c) => ({ sha: c.promptSha256, minhash: c.promptMinhash })),
    threshold,
  );
  clustered.set(window.calls, { threshold, result });
  return result;
}

/** "N calls", or "an even sample of S of N calls" when the clusters were counted on a sample. */
const over = (countedCalls: number, calls: number): string =>
  countedCalls < calls ? `an even sample of ${countedCalls} of ${calls} calls` : `${calls} calls`;

/**
 * Systematic coverage: nearly every prompt is unlike every other (one MinHash cluster per call)
 * and never repeats. Enterprise traffic returns to the same topics and the same questions.
 */
export const promptDiversityDetector: Detector = (input) => {
  const { window, thresholds } = input;
  const calls = window.calls.length;
  if (calls < thresholds.minCallsForShape) {
    return quiet(
      DetectorName.PromptDiversity,
      `Too few calls (${calls}) to judge prompt diversity.`,
      { calls },
    );
  }
  const { clusterCount: clusters, countedCalls } = clustersOf(input);
  const clusterRatio = clusters / countedCalls;
  const uniqueRatio = new Set(window.calls.map((c) => c.promptSha256)).size / calls;
  const score = ramp(clusterRatio, 0.5, 0.9) * ramp(uniqueRatio, 0.8, 0.97);
  return {
    detector: DetectorName.PromptDiversity,
    score: round3(score),
    summary: `${clusters} distinct prompt clusters in ${over(countedCalls, calls)}; ${Math.round(uniqueRatio * 100)}% of prompts unique.`,
    metrics: {
      calls,
      clusters,
      clusterRatio: round3(clusterRatio),
      uniquePromptRatio: round3(uniqueRatio),
      ...(countedCalls < calls ? { clustersCountedOver: countedCalls } : {}),
    },
  };
};

/** Distinct prompts a cluster needs in one window to count as an enumerated template family. */
const MIN_FAMILY = 15;

/**
 * A template enumerated over one slot: large clusters of near-identical prompts in which every
 * member is different (each slot value used once), unlike a support bot's repeated questions.
 * A developer iterating on one file also sends near-identical prompts, but a handful per session,
 * not dozens in twenty minutes.
 */
export const templatedPromptsDetector: Detector = (input) => {
  const { window, thresholds } = input;
  const calls = window.calls.length;
  if (calls < thresholds.minCallsForShape) {
    return quiet(DetectorName.TemplatedPrompts, `Too few calls (${calls}) to look for templates.`, {
      calls,
    });
  }
  const { clusters } = clustersOf(input);
  const families = clusters.filter(
    (c) => c.distinctHashes.size >= MIN_FAMILY && c.distinctHashes.size / c.size >= 0.9,
  );
  const enumerated = families.reduce((sum, c) => sum + c.nonIdentical, 0);
  const share = enumerated / calls;
  const meanSimilarity = enumerated
    ? families.reduce((sum, c) => sum + c.similaritySum, 0) / enumerated
    : 0;
  const score = ramp(share, 0.3, 0.7) * ramp(meanSimilarity, 0.4, 0.6);
  return {
    detector: DetectorName.TemplatedPrompts,
    score: round3(score),
    summary: families.length
      ? `${Math.round(share * 100)}% of calls enumerate ${families.length} template(s) (mean similarity ${meanSimilarity.toFixed(2)}, no repeats).`
      : 'No enumerated template families.',
    metrics: {
      calls,
      templateFamilies: families.length,
      enumeratedCalls: enumerated,
      share: round3(share),
      meanSimilarity: round3(meanSimilarity),
    },
  };
};
