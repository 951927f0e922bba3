/**
 * What exact token counting costs on the gateway's hot path: prompt counting (per call) and
 * delivered-text counting (cancelled streams, upstreams without usage), in microseconds, against
 * the old characters/4 estimate as the baseline. Pure CPU, no services needed.
 *
 *   npm run bench:tokens            (ROUNDS=2000 by default)
 */
import { countChatPromptTokens, countTextTokens, encoderFor } from '@velvet/catalog';
import { WORDS } from '../apps/gateway/src/upstream/simulator/random';

const ROUNDS = Number(process.env.ROUNDS ?? 2000);

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
console.log(
  JSON.stringify(
    { encoderLoadMs: loadMs, rounds: ROUNDS, prompt: rows, completion60WordsUs: completionUs },
    null,
    2,
  ),
);
