/**
 * What exact token counting costs on the gateway's hot path: prompt counting (per call) and
 * delivered-text counting (cancelled streams, upstreams without usage), in microseconds, against
 * the old characters/4 estimate as the baseline. Pure CPU, no services needed.
 *
 * Then hostile text: runs of one character class, which tiktoken merges in time quadratic in
 * the run's length, counted by `count` (in parts, see libs/catalog countable-parts.ts) against
 * tiktoken on the whole text (the baseline, what counting cost before), in µs per character.
 *
 *   npm run bench:tokens            (ROUNDS=2000 by default; HOSTILE_CHARS=20000)
 */
import { readFileSync } from 'node:fs';
import { countChatPromptTokens, countTextTokens, encoderFor } from '@velvet/catalog';
import { Tiktoken } from 'tiktoken/lite';
import { WORDS } from '../apps/gateway/src/upstream/simulator/random';

const ROUNDS = Number(process.env.ROUNDS ?? 2000);
const HOSTILE_CHARS = Number(process.env.HOSTILE_CHARS ?? 20_000);

const words = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(' ');
const perCall = (fn: () => unknown, rounds = ROUNDS) => {
  for (let i = 0; i < Math.min(200, rounds); i++) fn(); // warm the JIT
  const t = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return +(((performance.now() - t) / rounds) * 1000).toFixed(2);
};

const t0 = performance.now();
encoderFor('o200k_base');
const loadMs = +(performance.now() - t0).toFixed(0);

const system = `You are the support assistant of Velvet Rope. ${words(120, 1)}`;
const shapes = {
  'short (1 user message, 40 chars)': [
    { role: 'user', content: 'Summarise the quarterly report in brief.' },
  ],
  'chat (system 120 words + 6 turns of 30 words)': [
    { role: 'system', content: system },
    ...Array.from({ length: 6 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: words(30, i + 2),
    })),
  ],
  'long (one 20 KB document)': [{ role: 'user', content: words(3000, 9).slice(0, 20_000) }],
};

const rows = Object.entries(shapes).map(([shape, messages]) => {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  let fresh = 0;
  // A different last message every round: only the repeated parts (system prompt, history) can hit the cache.
  const exact = perCall(
    () => {
      const last = {
        ...messages[messages.length - 1],
        content: `${messages[messages.length - 1].content} #${fresh++}`,
      };
      return countChatPromptTokens([...messages.slice(0, -1), last], null, 'o200k_base');
    },
    shape.startsWith('long') ? 200 : ROUNDS,
  );
  // The same messages again (a template, a retried call): every part is a cache hit.
  const repeated = perCall(() => countChatPromptTokens(messages, null, 'o200k_base'));
  const baseline = perCall(
    () =>
      Math.ceil(messages.reduce((n, m) => n + m.role.length + m.content.length + 2, 0) / 4) +
      messages.length * 3,
  );
  return {
    shape,
    chars,
    tokens: countChatPromptTokens(messages, null, 'o200k_base'),
    exactUs: exact,
    exactRepeatedUs: repeated,
    charEstimateUs: baseline,
    ratio: +(exact / Math.max(baseline, 0.01)).toFixed(0),
  };
});
const completion = words(60, 4);
const completionUs = perCall(() => countTextTokens(`${completion} ${Math.random()}`, 'o200k_base'));

/** tiktoken on the whole text in one call: how every text was counted before countable-parts. */
const ranks = JSON.parse(
  readFileSync(require.resolve('tiktoken/encoders/o200k_base.json'), 'utf8'),
) as Record<string, never>;
const whole = new Tiktoken(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str);
const spread = (from: number, span: number, n: number) =>
  Array.from({ length: n }, () =>
    String.fromCodePoint(from + Math.floor(Math.random() * span)),
  ).join('');
/** Each text as long as the gateway's largest body (4 MB of UTF-8 in JSON) allows. */
const hostileTexts: Record<string, string> = {
  'English words (not hostile)': words(700_000, 3).slice(0, 4_000_000),
  'one letter repeated': 'a'.repeat(4_000_000),
  spaces: ' '.repeat(4_000_000),
  'random letters a-z, no spaces': spread(0x61, 26, 4_000_000),
  'random CJK ideographs, no punctuation': spread(0x4e00, 20_000, 1_300_000),
  'one symbol repeated': '!'.repeat(4_000_000),
};
const fastest = (fn: () => unknown, times: number) => {
  let best = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
const WINDOW = 128_000;
const encoder = encoderFor('o200k_base');
const hostile = Object.entries(hostileTexts).map(([text, full]) => {
  const t = full.slice(0, HOSTILE_CHARS);
  const countedUs = (fastest(() => encoder.count(t), 5) * 1000) / t.length;
  const wholeUs = (fastest(() => whole.encode_ordinary(t), 1) * 1000) / t.length;
  return {
    text,
    chars: t.length,
    tokens: encoder.count(t),
    exactTokens: whole.encode_ordinary(t).length,
    usPerChar: +countedUs.toFixed(3),
    wholeUsPerChar: +wholeUs.toFixed(3),
    ratio: +(wholeUs / countedUs).toFixed(1),
    // the largest body's prompt, counted as the gateway does: up to a 128K-token context window
    fullBodyChars: full.length,
    fullBodyTo128kWindowMs: +fastest(() => {
      // a new text each round, never a cache hit (a prompt within the window is cached)
      const content = `${full}${Math.random()}`;
      return countChatPromptTokens([{ role: 'user', content }], null, 'o200k_base', WINDOW);
    }, 3).toFixed(1),
  };
});
console.log(
  JSON.stringify(
    {
      encoderLoadMs: loadMs,
      rounds: ROUNDS,
      prompt: rows,
      completion60WordsUs: completionUs,
      hostileChars: HOSTILE_CHARS,
      hostile,
    },
    null,
    2,
  ),
);
