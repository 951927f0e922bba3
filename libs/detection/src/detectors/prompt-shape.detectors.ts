import { clusterPrompts, ramp, round3 } from '../features/minhash-similarity';
import { type Detector, DetectorName, type DetectorInput, quiet } from './detector';

function clustersOf({ window, thresholds }: DetectorInput) {
  return clusterPrompts(
    window.calls.map((c) => ({ sha: c.promptSha256, minhash: c.promptMinhash })),
    thresholds.clusterSimilarity,
  );
}

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
  const clusters = clustersOf(input);
  const clusterRatio = clusters.length / calls;
  const uniqueRatio = new Set(window.calls.map((c) => c.promptSha256)).size / calls;
  const score = ramp(clusterRatio, 0.5, 0.9) * ramp(uniqueRatio, 0.8, 0.97);
  return {
    detector: DetectorName.PromptDiversity,
    score: round3(score),
    summary: `${clusters.length} distinct prompt clusters in ${calls} calls; ${Math.round(uniqueRatio * 100)}% of prompts unique.`,
    metrics: {
      calls,
      clusters: clusters.length,
      clusterRatio: round3(clusterRatio),
      uniquePromptRatio: round3(uniqueRatio),
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
  const families = clustersOf(input).filter(
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
