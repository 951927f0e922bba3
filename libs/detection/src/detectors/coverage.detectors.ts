import { PromptSignal } from '@velvet/audit';
import type { CrossOrgEvidence, HorizonCall, KeyTraffic } from '../features/call-feature';
import { confidentShare, ramp, round3 } from '../features/minhash-similarity';
import { type Detector, DetectorName, quiet } from './detector';

const HOUR = 3_600_000;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Single-turn with no system prompt: a request no application wrapped (no instructions, no conversation state). */
export const isBare = (c: { flags: readonly string[] }): boolean =>
  c.flags.includes(PromptSignal.SingleTurn) && !c.flags.includes(PromptSignal.SystemPrompt);

/**
 * Keys that carried the pattern: those with a fair share of the organisation's new bare prompts, so a
 * key that only served the organisation's application is not implicated with the campaign's keys.
 */
export function keysCarrying(
  calls: readonly HorizonCall[],
  hit: (c: HorizonCall) => boolean,
): string[] {
  const perKey = new Map<string, number>();
  for (const c of calls) if (hit(c)) perKey.set(c.apiKeyId, (perKey.get(c.apiKeyId) ?? 0) + 1);
  if (!perKey.size) return [];
  const mean = [...perKey.values()].reduce((a, b) => a + b, 0) / perKey.size;
  return [...perKey]
    .filter(([, n]) => n >= Math.max(3, 0.2 * mean))
    .map(([k]) => k)
    .sort();
}

/** A key needs this many calls over the horizon before its own traffic says which pattern it carries. */
const MIN_KEY_CALLS = 2;
/** Share of a key's own horizon calls that must match the pattern for the key to be implicated by it. */
const KEY_PATTERN_SHARE = 0.8;

/**
 * Keys whose OWN traffic is the pattern: most of their horizon calls match it, however few calls
 * each key made. A campaign sharded over many keys gives each key too little to reach a share of
 * the organisation's total (see `keysCarrying`), but every shard is made of the pattern; a key that
 * also (or only) serves an application is not, and is not implicated.
 */
export function keysMadeOf(
  calls: readonly HorizonCall[],
  hit: (c: HorizonCall) => boolean,
): string[] {
  const perKey = new Map<string, { n: number; hits: number }>();
  for (const c of calls) {
    const k = perKey.get(c.apiKeyId) ?? { n: 0, hits: 0 };
    k.n++;
    if (hit(c)) k.hits++;
    perKey.set(c.apiKeyId, k);
  }
  return [...perKey]
    .filter(([, k]) => k.n >= MIN_KEY_CALLS && k.hits >= KEY_PATTERN_SHARE * k.n)
    .map(([id]) => id)
    .sort();
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * The same test on a day of each key's traffic (`SubjectHorizon.keyTraffic`, read for alerting
 * organisations only): a shard that calls once every hour or two has too few calls in 6 h, never too
 * few in 24. Whatever the period of its sessions, a key made of bare default-parameter calls is.
 */
export const keysMadeOfOverDay = (traffic: readonly KeyTraffic[] = []): string[] =>
  traffic
    .filter((k) => k.calls >= MIN_KEY_CALLS && k.bareDefaultCalls >= KEY_PATTERN_SHARE * k.calls)
    .map((k) => k.apiKeyId)
    .sort();

/** New bare prompts with SDK defaults: the whole of a careful distiller's traffic, whatever its pace. */
const harvestShaped = (c: HorizonCall) => c.novel && isBare(c) && c.defaultParams;

/**
 * Scales at which sustained activity is counted: slot length and the active slots at which it starts
 * and is full. A script's run (a dozen calls in a minute or two) fills a few half-minute slots, one
 * or two 2-minute slots and one 10-minute slot; a stream fills most slots it spans at whichever scale
 * matches its pace (a scripted harvest at several calls a minute fills 16 half-minute slots within
 * eight minutes, so it counts at the first run after it starts).
 */
const SCALES: readonly { slotMs: number; active: [number, number]; runs: boolean }[] = [
  { slotMs: 30_000, active: [10, 16], runs: false },
  { slotMs: 2 * 60_000, active: [5, 8], runs: true },
  { slotMs: 10 * 60_000, active: [2, 4], runs: true },
];
/** Density of active slots over the span from first to last at which a pattern starts to count, and counts fully. */
const DENSITY: [number, number] = [0.2, 0.4];
/** A pause this long between two matching calls ends a run (a run of over 10 minutes counts once per 10 minutes). */
const RUN_GAP_MS = 2 * 60_000;
/**
 * Separate runs at which the 2- and 10-minute scales start to count, and count fully: a script run
 * a few times a day is a few runs however close together they fall; a harvest at a human pace keeps
 * starting new sessions (a careful distiller at ten sessions an hour has six runs within ~40 min).
 */
const RUNS: [number, number] = [3, 6];
/**
 * Separate runs per hour, over the span from the first to the last matching call, at which they
 * start to count and count fully: a harvest keeps starting sessions (a careful distiller at ten
 * sessions an hour has about seven runs an hour, a hydra account at four calls an hour four), a
 * script run five or six times a working day about one.
 */
const RUNS_PER_HOUR: [number, number] = [2, 4];

/**
 * How sustained a pattern is, 0..1: a harvest keeps going, a small script runs for a minute or two
 * a few times a day and stops. At each scale, the active slots (none below the scale's minimum: two
 * runs of a script are two 10-minute slots however many calls they hold) times their density over
 * the span from the first to the last matching call (a few runs scattered over hours are not a
 * stream); at the 2- and 10-minute scales also the number of separate runs (calls apart by less
 * than 2 minutes form one run) and how often they start, so a few runs of a script a day, however
 * they fall, are not a stream; the half-minute scale needs one continuous run of eight minutes or more.
 * The best scale counts. Not tied to one period: any pace that fills most of the slots it spans at
 * some scale counts, from a call every few seconds to one every ten minutes or so.
 */
export function sustained(
  calls: readonly HorizonCall[],
  hit: (c: HorizonCall) => boolean,
): { factor: number; activeSlots: number; spanSlots: number; runs: number } {
  const times = calls.filter(hit).map((c) => c.occurredAt.getTime());
  times.sort((a, b) => a - b);
  // Runs, a long one counted once per started 10 minutes: a steady stream is one run, and sustained.
  let runs = 0;
  for (let i = 0, start = 0; i < times.length; i++) {
    if (i + 1 < times.length && times[i + 1] - times[i] < RUN_GAP_MS) continue;
    runs += 1 + Math.floor((times[i] - times[start]) / (10 * 60_000));
    start = i + 1;
  }
  const spanHours = times.length
    ? Math.max(0.5, (times[times.length - 1] - times[0]) / 3_600_000)
    : 1;
  const runFactor = ramp(runs, RUNS[0], RUNS[1]) * ramp(runs / spanHours, ...RUNS_PER_HOUR);
  const atScale = SCALES.map(({ slotMs, active, runs: countRuns }) => {
    const slots = new Set(times.map((t) => Math.floor(t / slotMs)));
    if (!slots.size) return { factor: 0, activeSlots: 0, spanSlots: 0, runs };
    const spanSlots = Math.max(...slots) - Math.min(...slots) + 1;
    const density = slots.size / spanSlots;
    const factor =
      ramp(slots.size, active[0], active[1]) *
      ramp(density, DENSITY[0], DENSITY[1]) *
      (countRuns ? runFactor : 1);
    return { factor, activeSlots: slots.size, spanSlots, runs };
  });
  // The scale that sees it best; with none, the coarsest (what the case shows).
  return atScale.reduce(
    (best, x) => (x.factor > best.factor ? x : best),
    atScale[atScale.length - 1],
  );
}

/**
 * Systematic coverage of an instruction space: prompts the organisation never sent before, sent
 * bare (single-turn, no system prompt), at a sustained rate over hours. Judged over the trailing hour
 * and the whole horizon, so a campaign paced to look human is caught by what it accumulates.
 * An application repeats itself (templates, recurring questions, re-run benchmarks) or wraps its
 * users' questions in instructions and conversation state; a harvest does neither.
 */
export const instructionCoverageDetector: Detector = ({ window, context }) => {
  const h = context.horizon;
  if (!h)
    return quiet(DetectorName.InstructionCoverage, 'No long-horizon evidence for this subject.');
  const end = window.windowEnd.getTime();
  const novelBare = h.calls.filter((c) => c.novel && isBare(c));
  const lastHour = novelBare.filter((c) => c.occurredAt.getTime() > end - HOUR).length;
  const bare = h.calls.filter(isBare).length;
  const novelShare = bare ? confidentShare(novelBare.length, bare) : 0;
  // A harness or pipeline pins its sampling parameters; a harvest takes the defaults. Pinned
  // parameters do not excuse coverage, but halve what it says.
  const defaults = novelBare.length
    ? novelBare.filter((c) => c.defaultParams).length / novelBare.length
    : 0;
  // Rate-free: a subject whose traffic over the horizon is (almost) nothing but new bare prompts with
  // SDK defaults is harvesting at whatever pace it chose; it takes a few dozen such calls, not a rate,
  // to be confident. An application mixes in system prompts, history, repeats or pinned parameters.
  const shaped = h.calls.filter(harvestShaped).length;
  // Every reading needs the pattern to be sustained: a few runs of a small script (a dozen new
  // bare questions in a minute, then nothing for hours) are not a harvest, whatever their shape.
  const stream = sustained(h.calls, harvestShaped);
  const purity =
    ramp(shaped, PURE_MIN, PURE_FULL) *
    ramp(confidentShare(shaped, h.calls.length), PURE_SHARE[0], PURE_SHARE[1]) *
    stream.factor;
  const templatedNew = novelBare.filter((c) => c.templated).length;
  const recent = sustained(
    h.calls.filter((c) => c.occurredAt.getTime() > end - HOUR),
    (c) => c.novel && isBare(c),
  );
  const pace = Math.max(
    ramp(lastHour, 15, 45) * recent.factor,
    ramp(novelBare.length, 60, 240) * sustained(novelBare, () => true).factor,
  );
  const score = Math.max(pace, purity) * ramp(novelShare, 0.3, 0.7) * (0.4 + 0.6 * defaults);
  return {
    detector: DetectorName.InstructionCoverage,
    score: round3(score),
    summary:
      `${novelBare.length} bare prompts new to this subject in the last ${h.hours} h (${lastHour} in the last hour); ` +
      `${bare ? pct(novelBare.length / bare) : '0%'} of its bare prompts were new, of ${h.calls.length} calls; ${pct(defaults)} of the new ones with default parameters; ` +
      `${pct(h.calls.length ? shaped / h.calls.length : 0)} of all its calls were new bare prompts with defaults, ` +
      `in ${stream.activeSlots} of the ${stream.spanSlots} slots they spanned, ${stream.runs} separate runs` +
      (templatedNew
        ? `; ${templatedNew} of the new prompts are new only once the organisation's shared preamble or suffix is left out.`
        : '.'),
    metrics: {
      horizonHours: h.hours,
      calls: h.calls.length,
      bareCalls: bare,
      newBarePrompts: novelBare.length,
      newBareLastHour: lastHour,
      newShare: round3(novelShare),
      defaultParamsShare: round3(defaults),
      newBareDefaultCalls: shaped,
      newBehindTemplate: templatedNew,
      paceScore: round3(pace),
      purityScore: round3(purity),
      sustainedSlots: stream.activeSlots,
      spannedSlots: stream.spanSlots,
      sustainedRuns: stream.runs,
    },
    implicatedKeyIds:
      score > 0
        ? union(
            keysCarrying(h.calls, (c) => c.novel && isBare(c)),
            keysMadeOf(h.calls, (c) => c.novel && isBare(c)),
          )
        : [],
  };
};

/**
 * New bare default-parameter calls at which the rate-free (purity) reading of coverage starts, and is
 * full; and the confident share of all its calls they must make up (Wilson lower bound: 12 of 12
 * calls give 0.76, so a dozen calls that are all of that shape are enough, a few mixed ones not).
 */
const PURE_MIN = 6;
const PURE_FULL = 12;
const PURE_SHARE: [number, number] = [0.55, 0.75];

/** Fewer calls over the horizon than this and the shape of the traffic says nothing. */
const MIN_SHAPE_CALLS = 12;

/**
 * Application shape: a product built on the model sends system prompts, conversation history and
 * its own sampling settings; a harvesting script sends bare single-turn prompts with the SDK's
 * defaults. Scored on the confident share of bare calls, most of it only when defaults go with it
 * (evaluation harnesses also send bare prompts, but pin temperature and max_tokens).
 */
export const applicationShapeDetector: Detector = ({ context }) => {
  const h = context.horizon;
  if (!h || h.calls.length < MIN_SHAPE_CALLS) {
    return quiet(
      DetectorName.ApplicationShape,
      `Too few calls (${h?.calls.length ?? 0}) over the horizon to judge the application's shape.`,
    );
  }
  const n = h.calls.length;
  const bare = h.calls.filter(isBare);
  const bareDefault = bare.filter((c) => c.defaultParams).length;
  const system = h.calls.filter((c) => c.flags.includes(PromptSignal.SystemPrompt)).length;
  const multiTurn = h.calls.filter((c) => !c.flags.includes(PromptSignal.SingleTurn)).length;
  // A few short runs of a script have the shape but not the persistence of a harvest: at most 0.4.
  const stream = sustained(h.calls, (c) => isBare(c) && c.defaultParams);
  const score =
    ramp(confidentShare(bare.length, n), 0.5, 0.75) *
    (0.3 + 0.7 * ramp(confidentShare(bareDefault, n), 0.4, 0.75)) *
    (0.4 + 0.6 * stream.factor);
  return {
    detector: DetectorName.ApplicationShape,
    score: round3(score),
    summary:
      `${pct(bare.length / n)} of ${n} calls are bare single-turn prompts (${pct(bareDefault / n)} also with default parameters); ` +
      `${pct(system / n)} carry a system prompt, ${pct(multiTurn / n)} conversation history; ` +
      `the bare default-parameter calls fall in ${stream.activeSlots} of the ${stream.spanSlots} slots they span, ${stream.runs} separate runs.`,
    metrics: {
      calls: n,
      bareShare: round3(bare.length / n),
      bareDefaultShare: round3(bareDefault / n),
      systemPromptShare: round3(system / n),
      multiTurnShare: round3(multiTurn / n),
      sustainedSlots: stream.activeSlots,
      spannedSlots: stream.spanSlots,
      sustainedRuns: stream.runs,
    },
    // The keys whose own traffic has the harvest's shape (a shard of a campaign spread over many keys),
    // not the keys that serve the organisation's application. Listed whatever the organisation's own
    // score: a distiller on a few keys of a large application leaves the organisation's shape mixed,
    // but its keys are made of the pattern (they count only where this detector drove an alert or
    // the live case, see assess-organization.ts).
    implicatedKeyIds: union(
      keysMadeOf(h.calls, (c) => isBare(c) && c.defaultParams),
      keysMadeOfOverDay(h.keyTraffic),
    ),
  };
};

/**
 * Accounts of one campaign: several organisations that, within the same day, each began sending
 * prompts the others also began sending (near-identical, by LSH band), none from its own past.
 * Two teams running the same public benchmark overlap too, so it takes a group of several.
 */
export const crossOrgClusterDetector: Detector = ({ window, context }) => {
  const x = context.horizon?.crossOrg;
  if (window.subjectType !== 'organization' || !x || x.groupSize < 2) {
    return quiet(
      DetectorName.CrossOrgCluster,
      'No other organisation began sending the same new prompts.',
    );
  }
  const score = ramp(x.groupSize, 3, 6) * ramp(x.sharedPrompts, 2, 10);
  const top = x.partners
    .slice(0, 5)
    .map((p) => `${p.organizationId} (~${p.sharedPrompts})`)
    .join(', ');
  return {
    detector: DetectorName.CrossOrgCluster,
    score: round3(score),
    summary: `About ${x.sharedPrompts} of its new prompts in the last day were also new from other organisations; linked group of ${x.groupSize} organisations; closest: ${top}.`,
    metrics: {
      groupSize: x.groupSize,
      sharedPrompts: x.sharedPrompts,
      partners: x.partners.length,
    },
    implicatedKeyIds: score > 0 ? keysLinkedToGroup(context.horizon?.calls ?? [], x) : [],
  };
};

/** Other organisations a key's own prompts must link it to: a group, not one partner. */
const MIN_KEY_PARTNERS = 2;

/**
 * The keys whose own prompts are the ones the group shares: each of its calls' bands names the
 * linked organisations that also began sending it, and a key is implicated when its calls link it to
 * at least two of them. An application's keys that merely share a few questions with one other
 * customer (two companies' developers asking the same thing) stay out.
 */
function keysLinkedToGroup(calls: readonly HorizonCall[], x: CrossOrgEvidence): string[] {
  const partners = x.bandPartners;
  if (!partners) return [];
  const perKey = new Map<string, Set<string>>();
  for (const c of calls) {
    for (const b of c.bands ?? []) {
      const linked = partners.get(b);
      if (!linked) continue;
      const set = perKey.get(c.apiKeyId) ?? new Set<string>();
      for (const o of linked) set.add(o);
      perKey.set(c.apiKeyId, set);
    }
  }
  return [...perKey]
    .filter(([, set]) => set.size >= MIN_KEY_PARTNERS)
    .map(([id]) => id)
    .sort();
}
