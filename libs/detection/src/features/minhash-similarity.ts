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

/**
 * Greedy leader clustering: each prompt joins the first cluster whose leader it resembles at
 * `threshold` or above, else starts one. Linear in calls x clusters, enough for one window.
 */
export function clusterPrompts(
  prompts: readonly { sha: string; minhash: readonly number[] }[],
  threshold: number,
): PromptCluster[] {
  const clusters: PromptCluster[] = [];
  for (const p of prompts) {
    let home: PromptCluster | undefined;
    let sim = 0;
    for (const c of clusters) {
      sim = estimateJaccard(c.representative, p.minhash);
      if (sim >= threshold) {
        home = c;
        break;
      }
    }
    if (!home) {
      clusters.push({
        representative: p.minhash,
        size: 1,
        distinctHashes: new Set([p.sha]),
        similaritySum: 0,
        nonIdentical: 0,
      });
      continue;
    }
    home.size++;
    if (!home.distinctHashes.has(p.sha)) {
      home.distinctHashes.add(p.sha);
      home.similaritySum += sim;
      home.nonIdentical++;
    }
  }
  return clusters;
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
