import { ramp, round3 } from '../features/minhash-similarity';
import { type Detector, DetectorName, quiet, windowHours } from './detector';

/**
 * Volume far above what the contract pays for, or far above the subject's own past. The contract
 * is an hourly average, and office-hours or nightly-batch customers run several times above it by
 * design, so the score starts at four times the commitment and is full at sixteen; against its own
 * history (its busiest hour of the past week), a launch-day spike of three times that stays quiet
 * and ten times scores fully.
 */
export const volumeDetector: Detector = ({ window, context }) => {
  // outputTokens already covers every one of the n choices (the usage the upstream reports).
  const tokens = window.calls.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
  if (!tokens) return quiet(DetectorName.Volume, 'No traffic in the window.');
  const perHour = tokens / windowHours(window);
  const vsContract = context.contractBaselineTokensPerHour
    ? perHour / context.contractBaselineTokensPerHour
    : null;
  const vsHistory = context.historyTokensPerHour ? perHour / context.historyTokensPerHour : null;
  const contractScore = vsContract === null ? 0 : ramp(Math.log2(vsContract), 2, 4);
  // Without history, a subject that appears from nowhere at volume is itself the anomaly.
  const historyScore = vsHistory === null ? 0 : ramp(vsHistory, 3, 10);
  const score = Math.max(contractScore, historyScore);
  const parts = [
    vsContract !== null
      ? `${vsContract.toFixed(1)}x the contract baseline`
      : 'no contract baseline',
    vsHistory !== null
      ? `${vsHistory.toFixed(1)}x its busiest hour of the past week`
      : 'no usable history',
  ];
  return {
    detector: DetectorName.Volume,
    score: round3(score),
    summary: `${Math.round(perHour)} tokens/h: ${parts.join(', ')}.`,
    metrics: {
      tokensPerHour: Math.round(perHour),
      contractBaselineTokensPerHour: context.contractBaselineTokensPerHour,
      historyTokensPerHour: context.historyTokensPerHour,
      ratioToContract: vsContract === null ? null : round3(vsContract),
      ratioToHistory: vsHistory === null ? null : round3(vsHistory),
    },
  };
};
