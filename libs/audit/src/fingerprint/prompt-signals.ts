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

// Phrases that ask the model to expose its reasoning, as used in CoT distillation datasets. Each
// is a short literal alternation (no repetition), so checking it is linear in the text's length.
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
//
// The text is the customer's and is checked on every premium call, so each check must be linear in
// its length, worst case: one slow prompt would stall the audit stream. These three regexes are.
// A lettered-options attempt reads at most the few lines after its own line start, an answer-slot
// attempt only the whitespace after its own `A:`, and the MBPP phrase is a word-bounded literal.
const BENCHMARK_PATTERNS: readonly RegExp[] = [
  /(?:^|\n)\(?A[.)]\s.+\n\(?B[.)]\s.+\n\(?C[.)]\s/, // lettered multiple-choice options
  /(?:^|\n)(?:Answer|A):\s*$/, // an empty answer slot at the end
  /\bshould pass (?:these|the following) tests\b/i, // MBPP-style tests, announced
];

// Three more used to be regexes too, but they backtracked: `(?:^|\n)\s*` rescans a run of blank
// lines from each of its newlines, `(?:.*\n)*?` scans to the end of the text from every `Q:` line,
// and the stub's `\(.*\).*:\s*\n\s+` grew with the 4th power. They are scans of the text's lines
// (split on \n) now, giving exactly the answers of the regexes in their comments. In those, `.`
// matches anything but \n \r \u2028 \u2029, and `\s` is what `trim()` strips, newlines included.
const NOT_DOT = /[\r\u2028\u2029]/;
const blank = (line: string): boolean => line.trim() === '';

/** `(?:^|\n)Q(?:uestion)?:\s.+\n(?:.*\n)*?A(?:nswer)?:`: few-shot Q/A. */
function fewShot(lines: readonly string[]): boolean {
  // answerAhead[k]: from line k, lines of `.*` lead to one that starts with `A:` or `Answer:`.
  const answerAhead = new Uint8Array(lines.length + 1);
  for (let k = lines.length - 1; k >= 0; k--)
    if (/^A(?:nswer)?:/.test(lines[k])) answerAhead[k] = 1;
    else if (!NOT_DOT.test(lines[k])) answerAhead[k] = answerAhead[k + 1];
  // `\s.+\n` is the rest of the Q line, or (the \s its newline) the whole next line. After the
  // last line no `\n` follows, and answerAhead[lines.length] is 0.
  return lines.some((line, i) =>
    /^Q(?:uestion)?:\s.+$/.test(line)
      ? answerAhead[i + 1] === 1
      : /^Q(?:uestion)?:$/.test(line) &&
        /^.+$/.test(lines[i + 1] ?? '') &&
        answerAhead[i + 2] === 1,
  );
}

/**
 * `(?:^|\n)(?:user: )?\s*def \w+\(.*\).*:\s*\n\s+(?:"""|''')`: a function stub with its docstring.
 */
function defStub(lines: readonly string[]): boolean {
  let def = -1; // the last non-blank line, when it is a `def` line ending in `:`
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    // `\s*\n\s+` crosses any blank lines, and needs a newline and one more whitespace before the
    // quotes: indentation, or a blank line between.
    if (blank(line)) continue;
    const quotes = /^(\s*)(?:"""|''')/.exec(line);
    if (def >= 0 && quotes && (quotes[1] !== '' || k > def + 1)) return true;
    // `\s*` before `def` may reach back over blank lines, but this line's own start serves as well.
    const head = /^(?:user: )?\s*def \w+\(/.exec(line);
    // `.*\).*:` stays on the line (no \r, \u2028, \u2029), and the `:` is the line's last non-space
    // (`\s*` is all that may follow it before the newline).
    const sig = head ? line.slice(head[0].length).trimEnd() : '';
    def = sig.endsWith(':') && !NOT_DOT.test(sig) && sig.includes(')') ? k : -1;
  }
  return false;
}

/** `(?:^|\n)\s*assert \w+\(`, case-insensitive: MBPP-style tests. */
const assertCall = (lines: readonly string[]): boolean =>
  lines.some((line) => /^\s*assert \w+\(/i.test(line));

/** The line-based checks, exported for the spec, which holds each to the regex it replaces. */
export const BENCHMARK_LINE_CHECKS = { fewShot, defStub, assertCall } as const;

function benchmarkLines(promptText: string): boolean {
  const lines = promptText.split('\n');
  return Object.values(BENCHMARK_LINE_CHECKS).some((check) => check(lines));
}

// Linear: each attempt reads at most a newline and a role name.
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
  if (BENCHMARK_PATTERNS.some((re) => re.test(promptText)) || benchmarkLines(promptText))
    flags.push(PromptSignal.BenchmarkFormat);
  return flags;
}
