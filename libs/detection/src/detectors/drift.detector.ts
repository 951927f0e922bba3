import { PromptSignal } from '@velvet/audit';
import type { HorizonCall } from '../features/call-feature';
import { estimateJaccard, ramp, round3 } from '../features/minhash-similarity';
import { groupBy } from '../features/group-by';
import { evenSample } from '../features/even-sample';
import { mmdTest } from '../features/mmd';
import { type Detector, DetectorName, quiet } from './detector';
import { isBare } from './coverage.detectors';

const SAMPLE = 120;
const MIN_RECENT = 30;
const MIN_HISTORY = 30;
/** A shift this unlikely under "same distribution as its past" counts at all. */
const P_VALUE = 0.02;
/** Enough label permutations that P_VALUE is reachable (the smallest p is 1 / (permutations + 1)). */
const PERMUTATIONS = 60;

const shape = (c: HorizonCall): number[] => [
  Math.log1p(c.inputTokens) / 3,
  Math.log1p(c.outputTokens) / 3,
  isBare(c) ? 1 : 0,
  c.flags.includes(PromptSignal.SystemPrompt) ? 1 : 0,
  c.flags.includes(PromptSignal.SingleTurn) ? 1 : 0,
  c.defaultParams ? 1 : 0,
];

/**
 * Half text (Jaccard of the prompts' word 3-gram MinHash: templates and recurring questions are
 * close, unrelated prompts far), half shape (sizes, system prompt, turns, parameters; Gaussian).
 * Both are positive definite, so is their mean.
 */
function kernel(a: { c: HorizonCall; v: number[] }, b: { c: HorizonCall; v: number[] }): number {
  let d2 = 0;
  for (let i = 0; i < a.v.length; i++) d2 += (a.v[i] - b.v[i]) ** 2;
  return 0.5 * estimateJaccard(a.c.promptMinhash, b.c.promptMinhash) + 0.5 * Math.exp(-d2 / 2);
}

/**
 * Drift from its own past: a two-sample MMD test between the organisation's recent calls and a
 * sample of its calls from every hour of the week before the horizon. An organisation that starts harvesting next to its
 * product sends traffic unlike anything it sent before; a launch-day spike sends more of the same.
 */
export const historyDriftDetector: Detector = ({ context }) => {
  const h = context.horizon;
  if (!h || h.calls.length < MIN_RECENT || h.history.length < MIN_HISTORY) {
    return quiet(
      DetectorName.HistoryDrift,
      `Not enough recent calls (${h?.calls.length ?? 0}) or history (${h?.history.length ?? 0}) to test for drift.`,
    );
  }
  const prep = (c: HorizonCall) => ({ c, v: shape(c) });
  const recent = evenSample(h.calls, SAMPLE).map(prep);
  const past = evenSample(h.history, SAMPLE).map(prep);
  const { mmd2, pValue, permuted } = mmdTest(recent, past, kernel, PERMUTATIONS, HISTORY_MMD2[0]);
  const score = pValue <= P_VALUE ? ramp(mmd2, HISTORY_MMD2[0], HISTORY_MMD2[1]) : 0;
  const bareNow = h.calls.filter(isBare).length / h.calls.length;
  const bareThen = h.history.filter(isBare).length / h.history.length;
  return {
    detector: DetectorName.HistoryDrift,
    score: round3(score),
    summary:
      `Recent traffic vs its own past: MMD² ${mmd2.toFixed(3)} (${pText(pValue, permuted)}, ${recent.length} vs ${past.length} calls); ` +
      `bare single-turn prompts ${Math.round(bareNow * 100)}% now vs ${Math.round(bareThen * 100)}% before.`,
    metrics: {
      mmd2: round3(mmd2),
      pValue: round3(pValue),
      recentSample: recent.length,
      historySample: past.length,
      bareShareNow: round3(bareNow),
      bareShareBefore: round3(bareThen),
    },
    implicatedKeyIds: score > 0 ? keysOnTheNewSide(h.calls, recent, past) : [],
  };
};

type Prepared = { c: HorizonCall; v: number[] };

/** Calls a key needs before its own traffic says which side of the drift it is on. */
const MIN_KEY_CALLS = 2;
const KEY_SAMPLE = 40;

/**
 * The keys whose own calls carry the drift, not every key that was active while it happened: the
 * MMD witness of a call (its mean kernel value to the recent sample minus that to the past sample)
 * is positive for a call like the new traffic and unlike the old, and about zero or negative for
 * the application's usual calls. A key is implicated when the mean witness of its horizon calls is
 * positive and at least half the recent sample's mean, so the keys of an application that goes on
 * as before stay out while a distiller sits on a few of its keys.
 */
function keysOnTheNewSide(
  calls: readonly HorizonCall[],
  recent: readonly Prepared[],
  past: readonly Prepared[],
): string[] {
  const meanK = (x: Prepared, ys: readonly Prepared[]) => {
    let sum = 0;
    let n = 0;
    for (const y of ys) {
      if (y.c === x.c) continue;
      sum += kernel(x, y);
      n++;
    }
    return n ? sum / n : 0;
  };
  const witness = (x: Prepared) => meanK(x, recent) - meanK(x, past);
  const recentMean = recent.reduce((a, x) => a + witness(x), 0) / Math.max(recent.length, 1);
  const byKey = groupBy(calls, (c) => c.apiKeyId);
  // Each key judged on an even sample of its calls: the cost stays bounded per key.
  return [...byKey]
    .filter(([, own]) => {
      if (own.length < MIN_KEY_CALLS) return false;
      const sample = evenSample(own, KEY_SAMPLE);
      const mean = sample.reduce((a, c) => a + witness({ c, v: shape(c) }), 0) / sample.length;
      return mean > 0 && mean >= 0.5 * recentMean;
    })
    .map(([id]) => id)
    .sort();
}

/** Calls of one organisation a population comparison needs, and of the others. */
const MIN_POPULATION = 40;
/** History drift counts from this MMD² and is full at the upper. */
const HISTORY_MMD2: [number, number] = [0.03, 0.15];
const pText = (p: number, permuted: boolean) =>
  permuted ? `permutation p ${p.toFixed(3)}` : 'too small to test';
/** Population drift counts from this MMD² (and is full at the upper): far beyond a narrow application's. */
const POPULATION_MMD2: [number, number] = [0.15, 0.35];

/** Mean kernel value inside one sample: how alike its calls are to each other (1 = one repeated prompt). */
function selfSimilarity(xs: readonly { c: HorizonCall; v: number[] }[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < xs.length; i++)
    for (let j = i + 1; j < xs.length; j++, pairs++) sum += kernel(xs[i], xs[j]);
  return pairs ? sum / pairs : 0;
}

/**
 * Drift from the population: the same two-sample MMD test, between the organisation's recent calls
 * and a sample of every other organisation's (label-blind: whoever sent traffic in the same hours).
 * Every application differs from the mixture of all others, so this is context (circumstantial in
 * the combination), reported with how alike the organisation's own calls are to each other: a
 * narrow product is self-similar, a harvest of an instruction space is not.
 */
export const populationDriftDetector: Detector = ({ window, context }) => {
  const h = context.horizon;
  const others = h?.population ?? [];
  if (
    window.subjectType !== 'organization' ||
    !h ||
    h.calls.length < MIN_POPULATION ||
    others.length < MIN_POPULATION
  ) {
    return quiet(
      DetectorName.PopulationDrift,
      `Not enough recent calls (${h?.calls.length ?? 0}) or population sample (${others.length}) to compare with other organisations.`,
    );
  }
  const prep = (c: HorizonCall) => ({ c, v: shape(c) });
  const mine = evenSample(h.calls, SAMPLE).map(prep);
  const pop = evenSample(others, SAMPLE).map(prep);
  const { mmd2, pValue, permuted } = mmdTest(mine, pop, kernel, PERMUTATIONS, POPULATION_MMD2[0]);
  const score = pValue <= P_VALUE ? ramp(mmd2, POPULATION_MMD2[0], POPULATION_MMD2[1]) : 0;
  // How alike its calls are, for the reviewer: only where the difference was big enough to test
  // (both are quadratic in the sample, and most organisations stop before the test).
  const self = permuted ? selfSimilarity(mine) : null;
  const popSelf = permuted ? selfSimilarity(pop) : null;
  return {
    detector: DetectorName.PopulationDrift,
    score: round3(score),
    summary:
      `Recent traffic vs ${pop.length} calls of other organisations in the same hours: MMD² ${mmd2.toFixed(3)} ` +
      `(${pText(pValue, permuted)})` +
      (self !== null && popSelf !== null
        ? `; its calls resemble each other ${self.toFixed(2)} on average, the population's ${popSelf.toFixed(2)}.`
        : '.'),
    metrics: {
      mmd2: round3(mmd2),
      pValue: round3(pValue),
      sample: mine.length,
      populationSample: pop.length,
      ...(self !== null && popSelf !== null
        ? { selfSimilarity: round3(self), populationSelfSimilarity: round3(popSelf) }
        : {}),
    },
  };
};
