import type { CallFeature } from '../features/call-feature';
import { ramp, round3 } from '../features/minhash-similarity';
import { coefficientOfVariation, type Detector, DetectorName, median, quiet } from './detector';

/** Inter-arrival times (ms) of one stream of calls, sorted by time. */
function gaps(calls: readonly CallFeature[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < calls.length; i++)
    out.push(calls[i].occurredAt.getTime() - calls[i - 1].occurredAt.getTime());
  return out;
}

/**
 * A script, not people: calls arrive at regular intervals (coefficient of variation of the gaps
 * far below the ~1 of human, bursty traffic), and around the clock rather than office hours. An
 * organisation's keys are judged one by one, because many regular streams merged look random.
 */
export const machineCadenceDetector: Detector = ({ window, context, thresholds }) => {
  const byKey = new Map<string, CallFeature[]>();
  for (const c of window.calls) {
    const list = byKey.get(c.apiKeyId) ?? [];
    list.push(c);
    byKey.set(c.apiKeyId, list);
  }
  // Fewer gaps than this and the coefficient of variation is too noisy to call anything regular.
  const streams = [...byKey.values()].filter(
    (s) => s.length >= Math.max(10, thresholds.minCallsForRates + 1),
  );
  if (!streams.length)
    return quiet(DetectorName.MachineCadence, 'No key made enough calls to judge cadence.');
  // Weight each stream by its size so one busy script is not drowned by many idle keys.
  // Each stream's CV at the upper end of its sampling error (about CV / sqrt(2(n-1))): a short
  // stream must be clearly regular to count as regular.
  const cvs = streams.flatMap((s) => {
    const cv = coefficientOfVariation(gaps(s)) * (1 + 1.645 / Math.sqrt(2 * (s.length - 2)));
    return Array(Math.min(s.length, 50)).fill(cv) as number[];
  });
  const cv = median(cvs);
  const regularity = ramp(0.8 - cv, 0, 0.6);
  const aroundTheClock = ramp(context.activeHoursLast24h, 12, 20);
  const score = regularity * (0.7 + 0.3 * aroundTheClock);
  return {
    detector: DetectorName.MachineCadence,
    score: round3(score),
    summary: `Inter-arrival coefficient of variation ${cv.toFixed(2)} over ${streams.length} key stream(s); active ${context.activeHoursLast24h} of the last 24 hours.`,
    metrics: {
      interArrivalCv: round3(cv),
      streams: streams.length,
      activeHoursLast24h: context.activeHoursLast24h,
    },
  };
};
