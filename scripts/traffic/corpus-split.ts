import type { CorpusRecord } from './corpus';

/**
 * The evaluation's split BY SOURCE, fixed on 2026-11-30 BEFORE any tuning, in a commit of its own,
 * replacing an earlier tune/held-out split whose held-out part had been looked at. Develop and tune
 * on `dev` only; `heldout` is what docs/detection.md reports, run once at the end. Once a held-out
 * run has been looked at it is used up: the sources stay (the corpus has no others), but the
 * held-out seeds (eval-detection.ts) and every held-out campaign and benign parameter
 * (PARAMS.heldout in scenario.ts) are replaced, again in a commit of their own before any tuning.
 * docs/detection.md lists each held-out split with its commit and its one run.
 *
 * A source is one repository file (or, where one file is a whole kind, a fixed half of it by a
 * salted hash of the text). The combinations are new: no earlier split paired these sources.
 *
 *   kind                   dev                                            held-out
 *   instruction_synthetic  GPTeacher Roleplay, Toolformer, Codegen        Code Alpaca, Glaive function calling
 *   human_chat             OASST 1k-prompts result_03..09                 OASST result_00..02, manual en_100, prompt lottery
 *   support_message        CLINC150                                       banking77, Bitext
 *   benchmark_item         MMLU, HumanEval                                GSM8K, ARC-Easy, MBPP
 *   code_task              CoNaLa, salted hash even                       CoNaLa, salted hash odd
 */
export type Split = 'dev' | 'heldout';

const HELDOUT_SOURCES: readonly RegExp[] = [
  /^sahil280114\/codealpaca:/,
  /^hiyouga\/LLaMA-Factory:data\/glaive_toolcall/,
  /^Open-Assistant\/oasst-model-eval:sampling_reports\/.*result_0[0-2]_/,
  /^Open-Assistant\/oasst-model-eval:model_eval\/manual\//,
  /^PolyAI-LDN\/task-specific-datasets:banking_data/,
  /^bitext\//,
  /^openai\/grade-school-math:/,
  /^Youssef-Malek2004\/CoT-Unfaithfulness-Induction-Via-SDF:data\/arc_easy/,
  /^muitiiifruckt\/ASE:mbpp/,
];

/** FNV-1a over a salt and the text: the salt makes this half of CoNaLa unlike any earlier one. */
function textHash(text: string, salt = 'split-2026-11-30-third'): number {
  let h = 2166136261;
  const s = `${salt}\u0000${text}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function splitOf(r: CorpusRecord): Split {
  if (r.kind === 'code_task') return textHash(r.text) % 2 === 0 ? 'dev' : 'heldout';
  return HELDOUT_SOURCES.some((re) => re.test(r.source)) ? 'heldout' : 'dev';
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
