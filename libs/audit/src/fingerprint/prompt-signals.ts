/**
 * Flags a prompt carries that matter for distillation, computed where the text is still at hand
 * (here, when the audit entry is built), so detection never needs the text itself, whether or not
 * the organisation's contract lets us retain it. Pure and cheap: regexes only. (Owned by detection.)
 */
export const PromptSignal = {
  CotElicitation: 'cot_elicitation',
} as const;

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

export function promptSignals(promptText: string): string[] {
  const flags: string[] = [];
  if (COT_PATTERNS.some((re) => re.test(promptText))) flags.push(PromptSignal.CotElicitation);
  return flags;
}
