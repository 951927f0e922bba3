import { PromptSignal } from '@velvet/audit';
import { confidentShare, ramp, round3 } from '../features/minhash-similarity';
import { type Detector, DetectorName, median, quiet } from './detector';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Shares below are scored at the lower bound of their confidence interval (`confidentShare`), so a
 * handful of calls cannot look like a pattern by chance.
 *
 * Log-probability harvesting: many calls asking for deep `top_logprobs` over long outputs (soft
 * labels for a student model). A classifier reading one token's confidence asks for logprobs too,
 * but shallow and over one token, so depth and length scale the score.
 */
export const logprobsDetector: Detector = ({ window, thresholds }) => {
  const calls = window.calls;
  if (calls.length < thresholds.minCallsForRates)
    return quiet(DetectorName.Logprobs, 'Too few calls.', { calls: calls.length });
  const withLogprobs = calls.filter((c) => c.logprobs || (c.topLogprobs ?? 0) > 0);
  const share = withLogprobs.length / calls.length;
  if (!withLogprobs.length)
    return quiet(DetectorName.Logprobs, 'No call asked for log probabilities.', { share: 0 });
  const depth = median(withLogprobs.map((c) => c.topLogprobs ?? 0));
  const length = median(withLogprobs.map((c) => c.outputTokens));
  const score =
    ramp(confidentShare(withLogprobs.length, calls.length), 0.05, 0.4) *
    (0.25 + 0.45 * ramp(depth, 1, 10) + 0.3 * ramp(length, 5, 100));
  return {
    detector: DetectorName.Logprobs,
    score: round3(score),
    summary: `${pct(share)} of calls request logprobs (median top_logprobs ${depth}, median ${length} output tokens).`,
    metrics: {
      calls: calls.length,
      share: round3(share),
      medianTopLogprobs: depth,
      medianOutputTokens: length,
    },
  };
};

/** Many samples per prompt (`n > 1`): a cheap way to harvest varied completions. */
export const multiSampleDetector: Detector = ({ window, thresholds }) => {
  const calls = window.calls;
  if (calls.length < thresholds.minCallsForRates)
    return quiet(DetectorName.MultiSample, 'Too few calls.', { calls: calls.length });
  const multi = calls.filter((c) => c.n > 1);
  const share = multi.length / calls.length;
  const meanN = multi.length ? multi.reduce((s, c) => s + c.n, 0) / multi.length : 1;
  const score = ramp(confidentShare(multi.length, calls.length), 0.1, 0.6) * ramp(meanN, 1, 4);
  return {
    detector: DetectorName.MultiSample,
    score: round3(score),
    summary: multi.length
      ? `${pct(share)} of calls ask for n > 1 (mean n ${meanN.toFixed(1)}).`
      : 'No call asked for n > 1.',
    metrics: { calls: calls.length, share: round3(share), meanN: round3(meanN) },
  };
};

/**
 * Outputs run to `max_tokens` (cut off with finish_reason `length`), or dwarf their prompts by an
 * order of magnitude: a caller after as much generated text as it can get. Summarisation (long
 * inputs, short outputs) and code assistance (outputs a few times the prompt) stay low.
 */
export const maxLengthOutputsDetector: Detector = ({ window, thresholds }) => {
  const calls = window.calls;
  if (calls.length < thresholds.minCallsForRates)
    return quiet(DetectorName.MaxLengthOutputs, 'Too few calls.', { calls: calls.length });
  // Token counts cover all n choices; max_tokens bounds each one.
  const perChoice = (c: (typeof calls)[number]) => c.outputTokens / Math.max(c.n, 1);
  const cut = calls.filter(
    (c) =>
      c.finishReason === 'length' ||
      (c.maxTokens !== null && c.maxTokens > 0 && perChoice(c) >= 0.95 * c.maxTokens),
  );
  const share = cut.length / calls.length;
  const ratio = median(calls.map((c) => perChoice(c) / Math.max(c.inputTokens, 1)));
  // Being cut at max_tokens is asking for all the text there is; long answers to short prompts are
  // also what people's own questions get, so that reading counts for at most half.
  const score =
    Math.max(
      ramp(confidentShare(cut.length, calls.length), 0.2, 0.7),
      RATIO_WEIGHT * ramp(ratio, 3, 10),
    ) * ramp(median(calls.map(perChoice)), 50, 200);
  return {
    detector: DetectorName.MaxLengthOutputs,
    score: round3(score),
    summary: `${pct(share)} of outputs hit max_tokens; median output/prompt token ratio ${ratio.toFixed(1)}.`,
    metrics: {
      calls: calls.length,
      lengthCutShare: round3(share),
      medianOutputToInputRatio: round3(ratio),
    },
  };
};

const RATIO_WEIGHT = 0.5;

/** Prompts that ask the model to spell out its reasoning: the raw material of reasoning distillation. */
export const chainOfThoughtDetector: Detector = ({ window, thresholds }) => {
  const calls = window.calls;
  if (calls.length < thresholds.minCallsForRates)
    return quiet(DetectorName.ChainOfThought, 'Too few calls.', { calls: calls.length });
  const hits = calls.filter((c) => c.promptFlags.includes(PromptSignal.CotElicitation)).length;
  const share = hits / calls.length;
  return {
    detector: DetectorName.ChainOfThought,
    score: round3(ramp(confidentShare(hits, calls.length), 0.2, 0.8)),
    summary: `${pct(share)} of prompts elicit step-by-step reasoning.`,
    metrics: { calls: calls.length, share: round3(share) },
  };
};
