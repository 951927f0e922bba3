/**
 * Flags a prompt carries that matter for distillation, computed where the text is still at hand
 * (here, when the audit entry is built), so detection never needs the text itself, whether or not
 * the organisation's contract lets us retain it. Pure and cheap: regexes only. (Owned by detection.)
 *
 * The text is the gateway's flattened prompt: one `role: content` block per message, in order.
 */
export const PromptSignal = {
  CotElicitation: 'cot_elicitation',
  /** No assistant or tool message before the last user turn: no conversation state. */
  SingleTurn: 'single_turn',
  /** The request opens with a system (or developer) message: an application's instructions. */
  SystemPrompt: 'system_prompt',
  /** Formatted like a public benchmark item (lettered options, an "Answer:" slot, a code stub with tests). */
  BenchmarkFormat: 'benchmark_format',
} as const;

export type PromptSignalName = (typeof PromptSignal)[keyof typeof PromptSignal];

// Phrases that ask the model to expose its reasoning, as used in CoT distillation datasets.
const COT_PATTERNS: readonly RegExp[] = [
  /\bstep[- ]by[- ]step\b/i,
  /\bthink (?:carefully|through|aloud|out loud)\b/i,
  /\bshow (?:your|all(?: of)? your|the) (?:reasoning|work|thinking|steps)\b/i,
  /\bexplain (?:your|the) reasoning\b/i,
  /\breason(?:ing)? (?:through|about) (?:this|it|each)\b/i,
  /\bchain[- ]of[- ]thought\b/i,
  /\b(?:before|then) (?:giving|give|stating) (?:the|your) (?:final )?answer\b/i,
  /<(?:thinking|reasoning|scratchpad)>/i,
];

// Evaluation harnesses format items in a handful of fixed ways; any one of these is enough.
const BENCHMARK_PATTERNS: readonly RegExp[] = [
  /(?:^|\n)\(?A[.)]\s.+\n\(?B[.)]\s.+\n\(?C[.)]\s/, // lettered multiple-choice options
  /(?:^|\n)(?:Answer|A):\s*$/, // an empty answer slot at the end
  /(?:^|\n)Q(?:uestion)?:\s.+\n(?:.*\n)*?A(?:nswer)?:/, // few-shot Q/A
  /(?:^|\n)(?:user: )?\s*def \w+\(.*\).*:\s*\n\s+(?:"""|''')/, // a function stub with its docstring
  /\bshould pass (?:these|the following) tests\b|(?:^|\n)\s*assert \w+\(/i, // MBPP-style tests
];

const ROLE_LINE = /(?:^|\n)(system|developer|user|assistant|tool|function): /g;

export function promptSignals(promptText: string): string[] {
  const flags: string[] = [];
  if (COT_PATTERNS.some((re) => re.test(promptText))) flags.push(PromptSignal.CotElicitation);
  const roles = [...promptText.matchAll(ROLE_LINE)].map((m) => m[1]);
  if (roles.length) {
    if (!roles.some((r) => r === 'assistant' || r === 'tool' || r === 'function'))
      flags.push(PromptSignal.SingleTurn);
    if (roles[0] === 'system' || roles[0] === 'developer') flags.push(PromptSignal.SystemPrompt);
  }
  if (BENCHMARK_PATTERNS.some((re) => re.test(promptText)))
    flags.push(PromptSignal.BenchmarkFormat);
  return flags;
}
