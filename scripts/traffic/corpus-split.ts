import type { CorpusRecord } from './corpus';

/**
 * The evaluation's split BY SOURCE, fixed on 2026-11-30 before any threshold was tuned (commit
 * "Evaluation split ... fixed before tuning"). Thresholds in libs/detection/src/detection.config.ts
 * were tuned on `tune` only; `heldout` is what docs/detection.md reports. A source is one
 * repository file (or, where one file is a whole kind, a fixed half of it by a hash of the text).
 *
 *   kind                   tune                                    held-out
 *   instruction_synthetic  Code Alpaca, GPTeacher Roleplay         GPTeacher Toolformer + Codegen, Glaive
 *   human_chat             OASST 1k-prompts result_00..04          OASST result_05..09, manual en_100, prompt lottery
 *   support_message        banking77                               CLINC150, Bitext
 *   benchmark_item         GSM8K, HumanEval                        MMLU, ARC-Easy, MBPP
 *   code_task              CoNaLa, even text hash                  CoNaLa, odd text hash
 */
export type Split = 'tune' | 'heldout';

const TUNE_SOURCES: readonly RegExp[] = [
  /^sahil280114\/codealpaca:/,
  /^teknium1\/GPTeacher:Roleplay\//,
  /^Open-Assistant\/oasst-model-eval:sampling_reports\/.*result_0[0-4]_/,
  /^PolyAI-LDN\/task-specific-datasets:banking_data/,
  /^openai\/grade-school-math:/,
  /^openai\/human-eval:/,
];

function textHash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function splitOf(r: CorpusRecord): Split {
  if (r.kind === 'code_task') return textHash(r.text) % 2 === 0 ? 'tune' : 'heldout';
  return TUNE_SOURCES.some((re) => re.test(r.source)) ? 'tune' : 'heldout';
}

/** The records of one split and kind, optionally of sources matching `source`, in file order. */
export function pool(
  records: readonly CorpusRecord[],
  split: Split,
  kind: CorpusRecord['kind'],
  source?: RegExp,
): CorpusRecord[] {
  return records.filter(
    (r) => r.kind === kind && splitOf(r) === split && (!source || source.test(r.source)),
  );
}
