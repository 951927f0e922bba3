import fc from 'fast-check';
import { evenSample } from './even-sample';
import {
  clusterPrompts,
  clusterWindowPrompts,
  confidentShare,
  estimateJaccard,
  PROMPT_CLUSTER_CAP,
  type PromptCluster,
  ramp,
} from './minhash-similarity';

describe('confidentShare', () => {
  it('never exceeds the observed share and tightens as evidence grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, p) => {
          const hits = Math.round(p * n);
          const bound = confidentShare(hits, n);
          expect(bound).toBeGreaterThanOrEqual(0);
          expect(bound).toBeLessThanOrEqual(hits / n + 1e-12);
          expect(confidentShare(hits * 10, n * 10)).toBeGreaterThanOrEqual(bound - 1e-12);
        },
      ),
    );
  });
  it('reads five of ten as far less than a half, five hundred of a thousand as nearly a half', () => {
    expect(confidentShare(5, 10)).toBeLessThan(0.3);
    expect(confidentShare(500, 1000)).toBeGreaterThan(0.47);
    expect(confidentShare(0, 0)).toBe(0);
  });
});

describe('ramp', () => {
  it('is 0 below, 1 above and monotone between', () => {
    expect(ramp(1, 2, 4)).toBe(0);
    expect(ramp(5, 2, 4)).toBe(1);
    expect(ramp(3, 2, 4)).toBe(0.5);
    expect(ramp(Number.POSITIVE_INFINITY, 2, 4)).toBe(1);
  });
});

/**
 * The reference: greedy leader clustering as first written, comparing every leader in order. Kept
 * here so that any faster `clusterPrompts` (a candidate index, another loop) must give exactly its
 * clusters: same members, same leaders, same sums in the same order.
 */
function referenceClusterPrompts(
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

type Prompt = { sha: string; minhash: number[] };

/**
 * The whole output, each representative named by the first prompt whose signature it is (the same
 * array, not an equal copy).
 */
function described(clusters: readonly PromptCluster[], prompts: readonly Prompt[]) {
  return clusters.map((c) => ({
    representative: prompts.findIndex((p) => p.minhash === c.representative),
    size: c.size,
    distinctHashes: [...c.distinctHashes],
    similaritySum: c.similaritySum,
    nonIdentical: c.nonIdentical,
  }));
}

function expectSameClusters(prompts: readonly Prompt[], threshold: number): void {
  const got = clusterPrompts(prompts, threshold);
  const want = referenceClusterPrompts(prompts, threshold);
  expect(described(got, prompts)).toEqual(described(want, prompts));
}

const THRESHOLDS = [0, 0.3, 0.5, 0.8, 1];

/**
 * Slot values: a few small ones (so unrelated signatures agree), values that are equal in their low
 * 30 bits but not equal (2^30 apart), both zeros, and the whole uint32 and int32 ranges.
 */
const slotValue = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom(0, -0, 1, 2 ** 30, 2 ** 30 + 1, 2 ** 31, 0xffffffff, -1, 2 ** 32 + 1, 2 ** 40),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
);
const signature = fc
  .constantFrom(0, 1, 2, 4, 8, 8, 8, 16)
  .chain((width) => fc.array(slotValue, { minLength: width, maxLength: width }));

/** One prompt of a window: new, a perturbed copy of an earlier one, or an exact repeat. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('new' as const), minhash: signature }),
  fc.record({
    kind: fc.constant('perturbed' as const),
    of: fc.nat(),
    edits: fc.array(fc.record({ slot: fc.nat(), value: slotValue }), { maxLength: 4 }),
    cut: fc.option(fc.nat({ max: 16 }), { freq: 4 }),
  }),
  fc.record({ kind: fc.constant('repeat' as const), of: fc.nat() }),
);
/** Prompt hashes: mostly unique, sometimes one of a few shared (the same text, or a collision). */
const shaOf = fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 3 });

const windowOf = fc.array(fc.tuple(step, shaOf), { maxLength: 60 }).map((steps) => {
  const prompts: Prompt[] = [];
  steps.forEach(([s, sha], i) => {
    const earlier = prompts.length ? prompts[('of' in s ? s.of : 0) % prompts.length] : null;
    if (s.kind === 'repeat' && earlier) {
      prompts.push(earlier);
      return;
    }
    let minhash: number[];
    if (s.kind === 'perturbed' && earlier) {
      minhash = [...earlier.minhash];
      for (const e of s.edits) if (minhash.length) minhash[e.slot % minhash.length] = e.value;
      if (s.cut !== null) minhash = minhash.slice(0, s.cut);
    } else {
      minhash = s.kind === 'new' ? s.minhash : [];
    }
    prompts.push({ sha: sha ?? `p${i}`, minhash });
  });
  return prompts;
});

/** Deterministic pseudo-random numbers (LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

/**
 * A window shaped like production: 64-slot signatures, a few families (a base and copies of it with
 * a few slots changed, as near-duplicate prompts give), exact repeats, unrelated prompts, and now
 * and then a signature of another length or an empty one (a call without a fingerprint).
 */
function productionLikeWindow(seed: number, size: number): Prompt[] {
  const random = lcg(seed);
  const int = (n: number) => Math.floor(random() * n);
  const fresh = (width = 64) =>
    Array.from({ length: width }, () => (random() < 0.1 ? int(8) : int(2 ** 32)));
  const bases = Array.from({ length: 1 + int(8) }, () => fresh());
  const prompts: Prompt[] = [];
  for (let i = 0; i < size; i++) {
    const r = random();
    if (r < 0.1 && prompts.length) prompts.push(prompts[int(prompts.length)]);
    else if (r < 0.6) {
      const minhash = [...bases[int(bases.length)]];
      for (let k = int(40); k > 0; k--) minhash[int(64)] = int(2 ** 32);
      prompts.push({ sha: `p${i}`, minhash });
    } else if (r < 0.95) prompts.push({ sha: `p${i}`, minhash: fresh() });
    else prompts.push({ sha: `p${i}`, minhash: r < 0.98 ? fresh(int(64)) : [] });
  }
  return prompts;
}

describe('clusterPrompts', () => {
  it.each(THRESHOLDS)(
    'gives exactly the clusters of comparing every leader in order (generated windows, threshold %p)',
    (threshold) => {
      fc.assert(
        fc.property(windowOf, (prompts) => expectSameClusters(prompts, threshold)),
        { numRuns: 300 },
      );
    },
  );

  it('gives exactly the reference clusters on production-shaped windows of 64-slot signatures', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const prompts = productionLikeWindow(seed, 200);
      for (const threshold of [...THRESHOLDS, 0.25, 0.65]) expectSameClusters(prompts, threshold);
    }
  });

  it('gives the reference clusters for any threshold, including outside 0..1', () => {
    fc.assert(
      fc.property(
        windowOf,
        fc.oneof(
          fc.double({ min: -1, max: 2, noNaN: true }),
          fc.constantFrom(NaN, 1 / 64, 33 / 64),
        ),
        (prompts, threshold) => expectSameClusters(prompts, threshold),
      ),
      { numRuns: 300 },
    );
  });

  it('keeps exact repeats in their cluster without counting them as new members', () => {
    const a = { sha: 'a', minhash: [1, 2, 3, 4] };
    const b = { sha: 'b', minhash: [1, 2, 3, 9] };
    const [c] = clusterPrompts([a, a, b, a, b], 0.5);
    expect(c.size).toBe(5);
    expect([...c.distinctHashes]).toEqual(['a', 'b']);
    expect(c.nonIdentical).toBe(1);
    expect(c.similaritySum).toBe(0.75);
  });
});

describe('clusterPrompts with a cap on clusters', () => {
  it('is the uncapped clustering while under the cap, and then adds members only', () => {
    fc.assert(
      fc.property(windowOf, fc.integer({ min: 0, max: 12 }), (prompts, cap) => {
        const full = referenceClusterPrompts(prompts, 0.5);
        const capped = clusterPrompts(prompts, 0.5, cap);
        if (full.length <= cap)
          expect(described(capped, prompts)).toEqual(described(full, prompts));
        expect(capped.length).toBe(Math.min(cap, full.length));
        // The capped clusters are the first ones formed, with the same leaders: calls unlike every
        // leader once the cap is reached join none and lead none.
        capped.forEach((c, i) => expect(c.representative).toBe(full[i].representative));
      }),
      { numRuns: 300 },
    );
  });
});

describe('clusterWindowPrompts', () => {
  // Signatures alike in 3 of 4 slots: one cluster, whatever the window.
  const prompts = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ sha: `p${i}`, minhash: [i, 0, 0, 0] }));

  it('clusters every call of a window, however large, that forms fewer clusters than the cap', () => {
    const window = prompts(PROMPT_CLUSTER_CAP * 2);
    const { clusters, clusterCount, countedCalls } = clusterWindowPrompts(window, 0.5);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].size).toBe(window.length);
    expect({ clusterCount, countedCalls }).toEqual({
      clusterCount: 1,
      countedCalls: window.length,
    });
  });

  it('counts every member of its capped clusters and the clusters of an even sample', () => {
    // 40 templates x 25 fills, interleaved, then 500 calls each unlike every other.
    const templated = Array.from({ length: 1_000 }, (_, i) => ({
      sha: `p${i}`,
      minhash: [1000 + (i % 40), 2000 + (i % 40), 3000 + (i % 40), i],
    }));
    const unique = Array.from({ length: 500 }, (_, i) => ({
      sha: `u${i}`,
      minhash: [-1 - i, -1 - i, -1 - i, -1 - i],
    }));
    const window = [...templated, ...unique];
    const { clusters, clusterCount, countedCalls } = clusterWindowPrompts(window, 0.5, 100);
    expect(clusters).toHaveLength(100);
    expect(clusters.slice(0, 40).map((c) => c.size)).toEqual(Array(40).fill(25));
    expect(clusters.slice(0, 40).every((c) => c.nonIdentical === 24)).toBe(true);
    expect(clusters.slice(40).every((c) => c.size === 1)).toBe(true);
    // One call in 15: 67 of the templated run (15 and 40 share 5: 8 templates) and 33 uniques.
    expect(countedCalls).toBe(100);
    expect(clusterCount).toBe(8 + 33);
    expect(clusterCount).toBe(clusterPrompts(evenSample(window, 100), 0.5).length);
  });
});
