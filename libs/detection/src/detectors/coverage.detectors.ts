import { PromptSignal } from '@velvet/audit';
import type { HorizonCall } from '../features/call-feature';
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
export function keysCarrying(calls: readonly HorizonCall[], hit: (c: HorizonCall) => boolean): string[] {
  const perKey = new Map<string, number>();
  for (const c of calls) if (hit(c)) perKey.set(c.apiKeyId, (perKey.get(c.apiKeyId) ?? 0) + 1);
  if (!perKey.size) return [];
  const mean = [...perKey.values()].reduce((a, b) => a + b, 0) / perKey.size;
  return [...perKey].filter(([, n]) => n >= Math.max(3, 0.2 * mean)).map(([k]) => k).sort();
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
  if (!h) return quiet(DetectorName.InstructionCoverage, 'No long-horizon evidence for this subject.');
  const end = window.windowEnd.getTime();
  const novelBare = h.calls.filter((c) => c.novel && isBare(c));
  const lastHour = novelBare.filter((c) => c.occurredAt.getTime() > end - HOUR).length;
  const bare = h.calls.filter(isBare).length;
  const novelShare = bare ? confidentShare(novelBare.length, bare) : 0;
  // A harness or pipeline pins its sampling parameters; a harvest takes the defaults. Pinned
  // parameters do not excuse coverage, but halve what it says.
  const defaults = novelBare.length ? novelBare.filter((c) => c.defaultParams).length / novelBare.length : 0;
  const score = Math.max(ramp(lastHour, 15, 45), ramp(novelBare.length, 60, 240)) * ramp(novelShare, 0.3, 0.7) * (0.4 + 0.6 * defaults);
  return {
    detector: DetectorName.InstructionCoverage,
    score: round3(score),
    summary:
      `${novelBare.length} bare prompts new to this subject in the last ${h.hours} h (${lastHour} in the last hour); ` +
      `${bare ? pct(novelBare.length / bare) : '0%'} of its bare prompts were new, of ${h.calls.length} calls; ${pct(defaults)} of the new ones with default parameters.`,
    metrics: { horizonHours: h.hours, calls: h.calls.length, bareCalls: bare, newBarePrompts: novelBare.length, newBareLastHour: lastHour, newShare: round3(novelShare), defaultParamsShare: round3(defaults) },
    implicatedKeyIds: score > 0 ? keysCarrying(h.calls, (c) => c.novel && isBare(c)) : [],
  };
};

/** Fewer calls over the horizon than this and the shape of the traffic says nothing. */
const MIN_SHAPE_CALLS = 20;

/**
 * Application shape: a product built on the model sends system prompts, conversation history and
 * its own sampling settings; a harvesting script sends bare single-turn prompts with the SDK's
 * defaults. Scored on the confident share of bare calls, most of it only when defaults go with it
 * (evaluation harnesses also send bare prompts, but pin temperature and max_tokens).
 */
export const applicationShapeDetector: Detector = ({ context }) => {
  const h = context.horizon;
  if (!h || h.calls.length < MIN_SHAPE_CALLS) {
    return quiet(DetectorName.ApplicationShape, `Too few calls (${h?.calls.length ?? 0}) over the horizon to judge the application's shape.`);
  }
  const n = h.calls.length;
  const bare = h.calls.filter(isBare);
  const bareDefault = bare.filter((c) => c.defaultParams).length;
  const system = h.calls.filter((c) => c.flags.includes(PromptSignal.SystemPrompt)).length;
  const multiTurn = h.calls.filter((c) => !c.flags.includes(PromptSignal.SingleTurn)).length;
  const score = ramp(confidentShare(bare.length, n), 0.5, 0.9) * (0.3 + 0.7 * ramp(confidentShare(bareDefault, n), 0.4, 0.8));
  return {
    detector: DetectorName.ApplicationShape,
    score: round3(score),
    summary:
      `${pct(bare.length / n)} of ${n} calls are bare single-turn prompts (${pct(bareDefault / n)} also with default parameters); ` +
      `${pct(system / n)} carry a system prompt, ${pct(multiTurn / n)} conversation history.`,
    metrics: { calls: n, bareShare: round3(bare.length / n), bareDefaultShare: round3(bareDefault / n), systemPromptShare: round3(system / n), multiTurnShare: round3(multiTurn / n) },
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
    return quiet(DetectorName.CrossOrgCluster, 'No other organisation began sending the same new prompts.');
  }
  const score = ramp(x.groupSize, 3, 6) * ramp(x.sharedPrompts, 2, 10);
  const top = x.partners.slice(0, 5).map((p) => `${p.organizationId} (~${p.sharedPrompts})`).join(', ');
  return {
    detector: DetectorName.CrossOrgCluster,
    score: round3(score),
    summary: `About ${x.sharedPrompts} of its new prompts in the last day were also new from other organisations; linked group of ${x.groupSize} organisations; closest: ${top}.`,
    metrics: { groupSize: x.groupSize, sharedPrompts: x.sharedPrompts, partners: x.partners.length },
    implicatedKeyIds: score > 0 ? keysCarrying(context.horizon?.calls ?? [], (c) => c.novel) : [],
  };
};
