import { PromptSignal } from '@velvet/audit';
import type { HorizonCall } from '../features/call-feature';
import { isBare, sustained } from '../detectors/coverage.detectors';
import { DetectorName } from '../detectors/detector';
import type { RiskAssessment } from '../scoring/risk-combiner';

/** An innocent reading of the traffic a reviewer should rule out before acting, with what speaks for and against it. */
export interface BenignExplanation {
  explanation: string;
  /** How well it fits, 0..1 (share of the evidence it accounts for). */
  fit: number;
  for: string[];
  against: string[];
}

/** Runs of bare default-parameter calls (over the horizon) up to which a script is a fitting reading. */
const SCRIPT_RUNS = 6;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const share = (calls: readonly HorizonCall[], p: (c: HorizonCall) => boolean) =>
  calls.length ? calls.filter(p).length / calls.length : 0;
const scoreOf = (a: RiskAssessment, d: DetectorName) =>
  a.detectors.find((x) => x.detector === d)?.score ?? 0;

/**
 * The benign explanations that fit an organisation's recent traffic, best fit first. Detection
 * never acts on a case: these sit beside the evidence so the reviewer weighs both.
 */
export function benignExplanations(
  org: RiskAssessment,
  calls: readonly HorizonCall[],
): BenignExplanation[] {
  if (!calls.length) return [];
  const out: BenignExplanation[] = [];
  const hours = new Set(calls.map((c) => c.occurredAt.getUTCHours())).size;
  const benchmark = share(calls, (c) => c.flags.includes(PromptSignal.BenchmarkFormat));
  const cot = share(calls, (c) => c.flags.includes(PromptSignal.CotElicitation));
  const pinned = share(calls, (c) => !c.defaultParams);
  const repeated = share(calls, (c) => !c.novel);
  const system = share(calls, (c) => c.flags.includes(PromptSignal.SystemPrompt));
  const multiTurn = share(calls, (c) => !c.flags.includes(PromptSignal.SingleTurn));

  if (benchmark > 0.2 || cot > 0.5) {
    out.push({
      explanation: 'Evaluation run on public benchmarks (a data team scoring the model)',
      fit: Math.max(benchmark, cot * 0.7),
      for: [
        `${pct(benchmark)} of prompts are formatted like public benchmark items (lettered options, answer slots, code stubs with tests)`,
        `${pct(cot)} carry a chain-of-thought cue such as "Let's think step by step", the standard zero-shot evaluation suffix`,
        `${pct(pinned)} pin sampling parameters, as evaluation harnesses do`,
      ],
      against: [
        `${pct(1 - repeated)} of prompts are new to this organisation (benchmarks are usually re-run on the same items)`,
        ...(hours > 6 ? [`traffic spread over ${hours} distinct hours, not one batch window`] : []),
      ],
    });
  }
  if (system > 0.5 || multiTurn > 0.2) {
    out.push({
      explanation: 'A product built on the model (assistant, support or RAG application)',
      fit: Math.max(system, multiTurn),
      for: [
        `${pct(system)} of calls carry a system prompt`,
        `${pct(multiTurn)} carry conversation history`,
      ],
      against:
        scoreOf(org, DetectorName.InstructionCoverage) > 0
          ? ['many bare, single-turn prompts new to the organisation arrive beside it']
          : [],
    });
  }
  const bareDefault = calls.filter((c) => isBare(c) && c.defaultParams);
  const script = sustained(calls, (c) => isBare(c) && c.defaultParams);
  if (bareDefault.length && script.runs <= SCRIPT_RUNS) {
    out.push({
      explanation:
        "A developer's script or notebook run a few times (trying the API, a one-off job)",
      fit: 0.8 - (0.4 * Math.max(0, script.runs - 1)) / SCRIPT_RUNS,
      for: [
        `its ${bareDefault.length} bare default-parameter calls over the last hours came in ${script.runs} run(s) (calls less than 2 minutes apart), not a steady stream`,
      ],
      against: [
        ...(bareDefault.length >= 100
          ? [`${bareDefault.length} such calls is more than a quick try of the API`]
          : []),
        ...(script.runs > 1 ? [`the runs recur (${script.runs} of them)`] : []),
      ],
    });
  }
  if (repeated > 0.5) {
    out.push({
      explanation: 'Re-processing known inputs (a batch re-run, a pipeline replaying its own data)',
      fit: repeated,
      for: [`${pct(repeated)} of prompts were sent by this organisation before`],
      against: [],
    });
  }
  if (scoreOf(org, DetectorName.Volume) > 0 && scoreOf(org, DetectorName.HistoryDrift) === 0) {
    out.push({
      explanation: 'A surge of its usual traffic (a launch, a campaign, month end)',
      fit: 0.5,
      for: ['volume is up but its prompts and request shape match its own past (no drift)'],
      against: [],
    });
  }
  return out.sort((a, b) => b.fit - a.fit);
}
