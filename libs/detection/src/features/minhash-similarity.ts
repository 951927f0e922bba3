import { evenSample } from './even-sample';

/** Estimated Jaccard similarity of two MinHash signatures: the share of slots that agree. */
export function estimateJaccard(a: readonly number[], b: readonly number[]): number {
  const len = Math.min(a.length, b.length);
  if (len === 0) return 0;
  let same = 0;
  for (let i = 0; i < len; i++) if (a[i] === b[i]) same++;
  return same / len;
}

export interface PromptCluster {
  representative: readonly number[];
  size: number;
  /** Distinct prompt hashes in the cluster: a template family has many, a repeated question one. */
  distinctHashes: Set<string>;
  /** Sum of similarity to the representative over non-identical members. */
  similaritySum: number;
  nonIdentical: number;
}

export interface ClusterablePrompt {
  sha: string;
  minhash: readonly number[];
}

/**
 * Greedy leader clustering: each prompt joins the first cluster (in order of creation) whose leader
 * it resembles at `threshold` or above, else starts one, while fewer than `maxClusters` exist; once
 * there are that many, a prompt unlike every leader joins none. Calls x clusters comparisons.
 */
export function clusterPrompts(
  prompts: readonly ClusterablePrompt[],
  threshold: number,
  maxClusters = Number.POSITIVE_INFINITY,
): PromptCluster[] {
  const clusters: PromptCluster[] = [];
  for (const p of prompts) {
    const home = firstResembling(clusters, p, threshold);
    if (home) join(home.cluster, p, home.similarity);
    else if (clusters.length < maxClusters)
      clusters.push({
        representative: p.minhash,
        size: 1,
        distinctHashes: new Set([p.sha]),
        similaritySum: 0,
        nonIdentical: 0,
      });
  }
  return clusters;
}

/** The first cluster (in order of creation) whose leader `p` resembles at `threshold` or above. */
function firstResembling(
  clusters: readonly PromptCluster[],
  p: ClusterablePrompt,
  threshold: number,
): { cluster: PromptCluster; similarity: number } | undefined {
  for (const cluster of clusters) {
    const similarity = estimateJaccard(cluster.representative, p.minhash);
    if (similarity >= threshold) return { cluster, similarity };
  }
  return undefined;
}

function join(cluster: PromptCluster, p: ClusterablePrompt, similarity: number): void {
  cluster.size++;
  if (cluster.distinctHashes.has(p.sha)) return;
  cluster.distinctHashes.add(p.sha);
  cluster.similaritySum += similarity;
  cluster.nonIdentical++;
}

/**
 * Most clusters one subject's window may form (see `clusterWindowPrompts`). Greedy clustering costs
 * calls x clusters: a window of 20,000 distinct prompts took 7-25 s uncapped, 3.8 s capped; 200
 * templates over 20,000 calls 0.2 s (one core; `docs/detection.md`).
 */
export const PROMPT_CLUSTER_CAP = 2_000;

export interface WindowPromptClusters {
  /** The window's clusters, at most `PROMPT_CLUSTER_CAP`: its first leaders, all their members. */
  clusters: PromptCluster[];
  /** How many clusters `countedCalls` form: the window's, or an even sample's at the cap. */
  clusterCount: number;
  /** The calls `clusterCount` is of: the whole window, or the sample (`cap` calls). */
  countedCalls: number;
}

/**
 * Clusters a window's prompts with at most `cap` clusters. Below the cap (any window whose traffic
 * returns to fewer topics, templated campaigns of up to `cap` templates included) this is the full
 * greedy clustering. At the cap, the calls unlike every leader join nothing: every template
 * with a leader is still counted over the whole window, and the clusters-per-call ratio, which the
 * cap would understate, is read on an even sample of `cap` calls clustered alone.
 */
export function clusterWindowPrompts(
  prompts: readonly ClusterablePrompt[],
  threshold: number,
  cap = PROMPT_CLUSTER_CAP,
): WindowPromptClusters {
  const clusters = clusterPrompts(prompts, threshold, cap);
  if (clusters.length < cap || prompts.length <= cap)
    return { clusters, clusterCount: clusters.length, countedCalls: prompts.length };
  const sample = evenSample(prompts, cap);
  return {
    clusters,
    clusterCount: clusterPrompts(sample, threshold).length,
    countedCalls: sample.length,
  };
}

/** Maps a ratio onto 0..1: 0 at or below `low`, 1 at or above `high`, linear between. */
export function ramp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return value > 0 ? 1 : 0;
  if (value <= low) return 0;
  if (value >= high) return 1;
  return (value - low) / (high - low);
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Lower bound of the Wilson score interval (one-sided 95%) for a share of `hits` in `n`: the
 * share we are confident of. Ten calls of which half hit a limit say less than a thousand.
 */
export function confidentShare(hits: number, n: number, z = 1.645): number {
  if (n <= 0) return 0;
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}
