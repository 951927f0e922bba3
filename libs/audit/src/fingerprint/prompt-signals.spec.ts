import fc from 'fast-check';
import { CORPUS_MISSING, loadCorpus } from '../../../../scripts/traffic/corpus';
import { BENCHMARK_LINE_CHECKS, PromptSignal, promptSignals } from './prompt-signals';

/**
 * The regexes the line checks replaced, and the whole function as it was before: the reference.
 * They backtrack (quadratic, or 4th power for the stub), so they only ever see short texts here.
 */
const OLD = {
  fewShot: /(?:^|\n)Q(?:uestion)?:\s.+\n(?:.*\n)*?A(?:nswer)?:/,
  defStub: /(?:^|\n)(?:user: )?\s*def \w+\(.*\).*:\s*\n\s+(?:"""|''')/,
  assertCall: /(?:^|\n)\s*assert \w+\(/i,
};
const OLD_COT_PATTERNS: readonly RegExp[] = [
  /\bstep[- ]by[- ]step\b/i,
  /\bthink (?:carefully|through|aloud|out loud)\b/i,
  /\bshow (?:your|all(?: of)? your|the) (?:reasoning|work|thinking|steps)\b/i,
  /\bexplain (?:your|the) reasoning\b/i,
  /\breason(?:ing)? (?:through|about) (?:this|it|each)\b/i,
  /\bchain[- ]of[- ]thought\b/i,
  /\b(?:before|then) (?:giving|give|stating) (?:the|your) (?:final )?answer\b/i,
  /<(?:thinking|reasoning|scratchpad)>/i,
];
const OLD_BENCHMARK_PATTERNS: readonly RegExp[] = [
  /(?:^|\n)\(?A[.)]\s.+\n\(?B[.)]\s.+\n\(?C[.)]\s/,
  /(?:^|\n)(?:Answer|A):\s*$/,
  /(?:^|\n)Q(?:uestion)?:\s.+\n(?:.*\n)*?A(?:nswer)?:/,
  /(?:^|\n)(?:user: )?\s*def \w+\(.*\).*:\s*\n\s+(?:"""|''')/,
  /\bshould pass (?:these|the following) tests\b|(?:^|\n)\s*assert \w+\(/i,
];
const OLD_ROLE_LINE = /(?:^|\n)(system|developer|user|assistant|tool|function): /g;
function oldPromptSignals(promptText: string): string[] {
  const flags: string[] = [];
  if (OLD_COT_PATTERNS.some((re) => re.test(promptText))) flags.push(PromptSignal.CotElicitation);
  const roles = [...promptText.matchAll(OLD_ROLE_LINE)].map((m) => m[1]);
  if (roles.length) {
    if (!roles.some((r) => r === 'assistant' || r === 'tool' || r === 'function'))
      flags.push(PromptSignal.SingleTurn);
    if (roles[0] === 'system' || roles[0] === 'developer') flags.push(PromptSignal.SystemPrompt);
  }
  if (OLD_BENCHMARK_PATTERNS.some((re) => re.test(promptText)))
    flags.push(PromptSignal.BenchmarkFormat);
  return flags;
}

type CheckName = keyof typeof OLD;
const CHECKS = Object.keys(OLD) as CheckName[];
/**
 * Where the new code and the old one disagree on a text: each line check against its old regex,
 * one by one (on the flag alone, one check could hide another), then the whole function.
 */
function disagreements(text: string): string[] {
  const lines = text.split('\n');
  const out = CHECKS.filter((name) => BENCHMARK_LINE_CHECKS[name](lines) !== OLD[name].test(text));
  const [got, want] = [promptSignals(text), oldPromptSignals(text)];
  return got.join() === want.join() ? out : [...out, `flags ${got.join()} != ${want.join()}`];
}
const sameAsOld = (text: string): boolean => disagreements(text).length === 0;

// Characters `\s` matches, three look-alikes it does not (\u0085, \u180e, \u200b), and those `.`
// does not match: the edges of the old regexes.
const SPACES = [' ', '\t', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u202f', '\u3000'];
const SPACES_MORE = ['\u205f', '\ufeff', '\r', '\u2028', '\u2029', '\u0085', '\u180e', '\u200b'];

/** Pieces of text, rich in what the patterns look for and in the characters at their edges. */
const PIECES = [
  '\n',
  '\n',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  ' ',
  ' ',
  '  ',
  '\t',
  '\u00a0',
  '\ufeff',
  '\u0085',
  'def f(',
  'def ',
  'def g(a, b)',
  'user: def h(',
  'f',
  'x',
  'y1',
  '_',
  '-',
  '(',
  ')',
  '):',
  ':',
  '"""',
  "'''",
  '"',
  "'",
  'Q: ',
  'Q:',
  'Question: ',
  'Question:',
  'A: ',
  'A:',
  'Answer:',
  'Answer: ',
  'A. ',
  'A.',
  '(A) ',
  'A)',
  'B. ',
  '(B) ',
  'B)',
  'C) ',
  'C.',
  '(C',
  'assert f(',
  'assert ',
  'ASSERT g(',
  'user: ',
  'user:',
  'system: ',
  'developer: ',
  'assistant: ',
  'tool: ',
  'function: ',
  'step by step',
  'Think carefully',
  'show all of your work',
  'then give the final answer',
  '<thinking>',
  'should pass these tests',
  // Whole few-shot pieces: the Q line, later lines, the A line.
  '\nQ: a\n',
  '\nQuestion:\n',
  'b\n',
  '\nA: c',
  '\nAnswer:',
  // Whole stub pieces: the def line, the docstring line.
  '\ndef f(x):',
  'def g() -> int:\n',
  '\n    """',
  "\n'''",
];
const pieceText = fc
  .array(fc.constantFrom(...PIECES, ...SPACES, ...SPACES_MORE), { maxLength: 40 })
  .map((a) => a.join(''));

/** Line beginnings (where the patterns anchor), what follows on the line, and line breaks. */
const HEADS = [
  '',
  ' ',
  '  ',
  '\t',
  '\u3000',
  'x',
  'user: ',
  'system: ',
  'assistant: ',
  'A. ',
  'A.',
  '(A) ',
  'A)\t',
  'B. ',
  'B)',
  '(B) ',
  'C. ',
  'C)',
  '(C)',
  'Q: ',
  'Q:',
  'Question:\t',
  'Question:',
  'A: ',
  'A:',
  'Answer:',
  'Answer: ',
  'def f(x):',
  'def g():',
  '  def h(a, b) -> int:',
  'user: def f():',
  'user:  def k(',
  'def f(',
  '"""',
  '    """',
  '\t"""Doc.',
  "'''",
  " '''",
  'assert f(1) == 2',
  '  Assert g(',
  'assert (',
];
const TAILS = ['x', ' ', 'y z', ')', ':', '(', '\r', '\u2028', '\t', '"""', ' Q: a', 'A: b'];
const BREAKS = ['\n', '\n', '\n', '\n', '\r\n', '\n\n', '\n \n', '\n\t', '\u2028', ' '];
const lineText = fc
  .array(
    fc.tuple(
      fc.constantFrom(...HEADS),
      fc.array(fc.constantFrom(...TAILS), { maxLength: 3 }),
      fc.constantFrom(...BREAKS),
    ),
    { maxLength: 10 },
  )
  .map((ls) => ls.map(([head, tail, br]) => head + tail.join('') + br).join(''))
  .chain((text) =>
    // The end of the text matters too ("A:" slot, a last line with no newline after it).
    fc.constantFrom(text, text.trimEnd(), text + 'A:', text + 'Answer: \n'),
  );

/** Texts each pattern matches, edited at random: the near misses sit around the matches. */
const SEEDS = [
  'Q: What is 2+2?\nA: 4\n',
  'Question:\nWhat is 2+2?\n\nAnswer: 4',
  'Q: a\nb\n\nc\nA:',
  'def add(a, b):\n    """Sum."""\n',
  'user: def f(x) -> int:\n\n"""Doc."""',
  "\n  def g():  \n\t\n  '''Doc.'''",
  'Write it.\n  assert f(1) == 2\n',
  'ASSERT g(x)',
  'A. one\nB. two\nC. three\n',
  '(A)\nx\n(B) y\n(C)\n',
];
const EDITS = [
  '',
  '\n',
  '\r',
  '\u2028',
  ' ',
  '\t',
  '\u00a0',
  ':',
  ')',
  '(',
  'x',
  '"',
  'A',
  'Q',
  'user: ',
];
const editedText = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.constantFrom(...EDITS)), { maxLength: 3 }),
  )
  .map(([seed, edits]) =>
    edits.reduce((t, [at, cut, put]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + put + t.slice(i + cut);
    }, seed),
  );

describe('promptSignals', () => {
  it('relies on `\\s` being what trim() strips, and `.` matching all but four characters', () => {
    const odd: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (/\s/.test(ch) !== (ch.trim() === '')) odd.push(c);
      if (/./.test(ch) !== !/[\n\r\u2028\u2029]/.test(ch)) odd.push(c);
    }
    expect(odd).toEqual([]);
  });

  it.each([
    ['user: def add(a, b):\n    """Return the sum."""\n', ['single_turn', 'benchmark_format']],
    ['def f(x):\n\n"""Doc."""', ['benchmark_format']], // a blank line before the docstring
    ['def f(x):\n"""Doc."""', []], // `\n\s+` needs one more space after the newline
    ['Q: 2+2?\nA: 4\nQ: 3+3?\nA:', ['benchmark_format']],
    ['Q:\nwhat is 2+2?\nAnswer: 4', ['benchmark_format']], // the `\s` after "Q:" is a newline
    ['Q: a\r\nA: b', []], // `.+\n` cannot take the \r
    ['Write tests.\n  assert add(1, 2) == 3', ['benchmark_format']],
  ])('flags %j as before: %j', (text, flags) => {
    expect(oldPromptSignals(text)).toEqual(flags);
    expect(promptSignals(text)).toEqual(flags);
  });

  it('matches the old regexes on generated texts (line checks one by one, and all flags)', () => {
    fc.assert(fc.property(pieceText, sameAsOld), { numRuns: 10_000 });
    fc.assert(fc.property(lineText, sameAsOld), { numRuns: 10_000 });
    fc.assert(fc.property(editedText, sameAsOld), { numRuns: 10_000 });
  });

  it('generates texts each line check says yes and no to', () => {
    // Of 4,000 texts from each generator, how many each old regex matches: the property above
    // sees both answers of every check many times (mostly in the edited examples).
    const texts = [pieceText, lineText, editedText].flatMap((gen) =>
      fc.sample(gen, { numRuns: 4000, seed: 20240601 }),
    );
    const matched = CHECKS.map((name) => [name, texts.filter((t) => OLD[name].test(t)).length]);
    expect(matched.filter(([, n]) => +n < 500 || +n > texts.length - 500)).toEqual([]);
  });

  const corpus = loadCorpus();
  (corpus ? it : it.skip)(
    'matches the old regexes on the development corpus (../shared/data/prompts)',
    () => {
      if (!corpus) throw new Error(CORPUS_MISSING);
      // Raw texts, and the gateway's flattened prompts (`role: content` per message, each ending
      // in a newline): single turn, behind a system prompt, and a conversation going on.
      const texts = corpus.flatMap((r, i) => {
        const content = r.input ? `${r.text}\n\n${r.input}` : r.text;
        const next = corpus[(i + 1) % corpus.length].text;
        return [
          r.text,
          `user: ${content}\n`,
          `system: You are a helpful assistant.\nuser: ${content}\n`,
          `user: ${content}\nassistant: ${r.reference ?? 'OK.'}\nuser: ${next}\n`,
        ];
      });
      expect(texts.length).toBe(corpus.length * 4);
      expect(
        texts.flatMap((t) => disagreements(t).map((d) => `${d}: ${JSON.stringify(t)}`)),
      ).toEqual([]);
    },
  );

  /**
   * Texts that took the old regexes from seconds to hours (at 1 MB); each check is linear in the
   * text now, and these take milliseconds. No time is asserted, and jest cannot time out a test
   * that is stuck in a regex: a regression shows as a test that hangs. The expected flags are held
   * to the old function on a small version of each text.
   */
  const MB = 1 << 20;
  const fill = (unit: string, size: number) =>
    unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const stub = (k: number, n: number, m: number, end: string) =>
    '\n'.repeat(k) + 'def f(' + ')'.repeat(n) + ':' + '\n '.repeat(m) + end;
  const HOSTILE: [string, (size: number) => string, string[]][] = [
    ['the def stub, n = m = k', (n) => stub(n, n, n, 'x'), []],
    ['the def stub, with its docstring', (n) => stub(n, n, n, '"""'), ['benchmark_format']],
    ['newlines', (n) => fill('\n', n), []],
    ['space-newline pairs', (n) => fill(' \n', n), []],
    [
      'newline-space pairs, then an assert',
      (n) => fill('\n ', n) + 'assert f(',
      ['benchmark_format'],
    ],
    ['"Q: x" lines', (n) => fill('Q: x\n', n), []],
    ['"Q: x" lines, then an answer', (n) => fill('Q: x\n', n) + '\nA:', ['benchmark_format']],
    ['"A. x" lines', (n) => fill('A. x\n', n), []],
    ['"A. x" and "B. x" lines', (n) => fill('A. x\nB. x\n', n), []],
    ['a line of ")"', (n) => fill(')', n), []],
    ['"def f(" and a line of ")"', (n) => 'def f(' + fill(')', n) + ':', []],
    ['"def f():" and newlines', (n) => 'def f():' + fill('\n', n) + 'x', []],
    ['"def f():" lines', (n) => fill('def f():\n', n), []],
    ['answer slots', (n) => fill('\nA: ', n) + 'x', []],
    ['"user: " lines', (n) => fill('user: x\n', n), [PromptSignal.SingleTurn]],
  ];
  it.each(HOSTILE)('answers a hostile input: %s', (name, make, flags) => {
    const [small, large] = name.includes('stub') ? [40, 5000] : [400, MB];
    expect(disagreements(make(small))).toEqual([]);
    expect(promptSignals(make(small))).toEqual(flags);
    expect(promptSignals(make(large))).toEqual(flags);
  });
});
