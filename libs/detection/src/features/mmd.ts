/**
 * Maximum mean discrepancy between two samples under a kernel, with a permutation p-value
 * (Gretton et al., "A Kernel Two-Sample Test"). Model-free: the kernel only compares features.
 */
export interface MmdResult {
  /** Unbiased MMD² estimate: near 0 when both samples come from one distribution. */
  mmd2: number;
  /** Share of label permutations with an MMD² at least as large (add-one smoothed); 1 when not tested. */
  pValue: number;
  /** False when the observed MMD² was at or below `minMmd2`, so no permutation was run. */
  permuted: boolean;
}

function unbiasedMmd2(k: Float64Array, size: number, inX: Uint8Array): number {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  let m = 0;
  for (let i = 0; i < size; i++) m += inX[i];
  const n = size - m;
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const v = k[i * size + j];
      if (inX[i] && inX[j]) xx += v;
      else if (!inX[i] && !inX[j]) yy += v;
      else xy += v;
    }
  }
  return (2 * xx) / (m * (m - 1)) + (2 * yy) / (n * (n - 1)) - (2 * xy) / (m * n);
}

/** Deterministic shuffle source, so a re-run of the same window gives the same verdict. */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

/** The kernel matrix's buffer, reused across tests (one per organisation and detector per run): less garbage to collect. */
let matrix = new Float64Array(0);

export function mmdTest<T>(
  x: readonly T[],
  y: readonly T[],
  kernel: (a: T, b: T) => number,
  permutations = 40,
  /**
   * An MMD² at or below this cannot change the caller's verdict whatever the p-value: the
   * permutations (most of the cost) are skipped. Most organisations do not drift, so most tests stop here.
   */
  minMmd2 = -Infinity,
): MmdResult {
  const all = [...x, ...y];
  const size = all.length;
  if (x.length < 2 || y.length < 2) return { mmd2: 0, pValue: 1, permuted: false };
  if (matrix.length < size * size) matrix = new Float64Array(size * size);
  // Only cells i < j are written and read, so the reused buffer needs no clearing.
  const k = matrix;
  for (let i = 0; i < size; i++)
    for (let j = i + 1; j < size; j++) k[i * size + j] = kernel(all[i], all[j]);
  const labels = new Uint8Array(size);
  for (let i = 0; i < x.length; i++) labels[i] = 1;
  const observed = unbiasedMmd2(k, size, labels);
  if (observed <= minMmd2) return { mmd2: observed, pValue: 1, permuted: false };
  const rand = lcg(size * 7919 + x.length);
  let atLeast = 0;
  const perm = new Uint8Array(labels);
  for (let p = 0; p < permutations; p++) {
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    if (unbiasedMmd2(k, size, perm) >= observed) atLeast++;
  }
  return { mmd2: observed, pValue: (atLeast + 1) / (permutations + 1), permuted: true };
}
