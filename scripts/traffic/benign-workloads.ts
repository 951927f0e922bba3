import { HOUR, MINUTE, officeHoursArrivals, regularArrivals, Rng } from './random';
import type { TrafficCall } from './traffic.types';
import { sentence, TOPICS, WORDS } from './vocabulary';

type Gen = (org: string, seed: number, from: number, to: number, opts?: { spikeAt?: number; utcOffset?: number; keys?: number }) => TrafficCall[];

const SUPPORT_SYSTEM =
  'You are the customer support assistant of Northwind Retail. Answer in at most four sentences, be friendly, ' +
  'link to the help centre when useful, never promise refunds or legal advice, and escalate to a human when the customer is upset.';
const QUESTIONS = [
  'How do I reset my password?', 'Where is my order?', 'Can I change my delivery address?', 'Why was I charged twice?',
  'How do I cancel my subscription?', 'The app crashes when I log in', 'How do I return an item?', 'Do you ship abroad?',
  'How do I update my card?', 'My coupon code does not work', 'Can I get an invoice with my VAT number?', 'How long does a refund take?',
];

/** A support bot: fixed system prompt, recurring questions with small variations, short answers, office hours. */
export const supportBot: Gen = (org, seed, from, to, opts = {}) => {
  const rng = new Rng(seed);
  const times = officeHoursArrivals(rng, from, to, { sessionsPerHour: 14, callsPerSession: 2.5, utcOffsetHours: opts.utcOffset ?? 0 });
  if (opts.spikeAt) {
    // A product launch: three hours at about three times the usual traffic.
    times.push(...officeHoursArrivals(rng, Math.max(from, opts.spikeAt), Math.min(to, opts.spikeAt + 3 * HOUR), { sessionsPerHour: 28, callsPerSession: 2.5, utcOffsetHours: opts.utcOffset ?? 0 }));
    times.sort((a, b) => a - b);
  }
  return times.map((at) => ({
    at, org, key: rng.int(0, (opts.keys ?? 2) - 1),
    body: {
      messages: [
        { role: 'system', content: SUPPORT_SYSTEM },
        { role: 'user', content: `${rng.pick(QUESTIONS)}${rng.chance(0.4) ? ` ${sentence(rng, rng.int(3, 10))}` : ''}` },
      ],
      max_tokens: 300, temperature: 0.3,
    },
  }));
};

const DOCS = Array.from({ length: 40 }, (_, i) => `Policy document ${i}: ${TOPICS[i % TOPICS.length]} guidance for ${WORDS[(i * 7) % WORDS.length]} handling.`);

/** Retrieval-augmented QA over a fixed corpus: chunks recur, questions vary, medium answers, office hours. */
export const rag: Gen = (org, seed, from, to, opts = {}) => {
  const rng = new Rng(seed);
  return officeHoursArrivals(rng, from, to, { sessionsPerHour: 10, callsPerSession: 2, utcOffsetHours: opts.utcOffset ?? -5 }).map((at) => {
    const chunks = [0, 1, 2].map(() => {
      const d = rng.int(0, DOCS.length - 1);
      return `${DOCS[d]} Section ${rng.int(1, 4)}: ${sentence(new Rng(d * 31 + 7), 60)}`;
    });
    return {
      at, org, key: rng.int(0, (opts.keys ?? 3) - 1),
      body: {
        messages: [
          { role: 'system', content: 'Answer using only the provided context. Quote the section you rely on.' },
          { role: 'user', content: `Context:\n${chunks.join('\n')}\n\nQuestion: ${sentence(rng, rng.int(8, 16))}?` },
        ],
        max_tokens: 500, temperature: 0.2,
      },
    };
  });
};

const CODE = ['function', 'return', 'const', 'await', 'if', 'else', 'for', 'map', 'filter', 'async', 'import', 'export', 'class', 'interface', 'throw', 'try', 'catch'];

/**
 * A coding assistant for a team: one key per developer, very uneven use, sessions that iterate on
 * one piece of code (consecutive prompts are edits of each other), a system prompt that asks for
 * step-by-step reasoning (chain-of-thought, benign), sometimes two candidates (n = 2).
 */
export const codingAssistant: Gen = (org, seed, from, to, opts = {}) => {
  const rng = new Rng(seed);
  const devs = opts.keys ?? 20;
  const calls: TrafficCall[] = [];
  for (let d = 0; d < devs; d++) {
    // Heavy-tailed: a few developers use it all day, most a handful of times.
    const sessionsPerHour = Math.max(0.3, Math.exp(rng.normal(0.2, 1.0)));
    for (const sessionStart of officeHoursArrivals(rng, from, to, { sessionsPerHour, callsPerSession: 1, utcOffsetHours: opts.utcOffset ?? 1 })) {
      const code = Array.from({ length: rng.int(40, 160) }, () => rng.pick(CODE) + (rng.chance(0.3) ? `_${rng.int(1, 99)}` : ''));
      let at = sessionStart;
      for (let i = 0, n = 1 + Math.floor(rng.exp(4)); i < n && at < to; i++) {
        // Each call edits a few tokens of the file the developer is working on.
        for (let e = 0; e < 3; e++) code[rng.int(0, code.length - 1)] = rng.pick(CODE);
        calls.push({
          at: Math.floor(at), org, key: d,
          body: {
            messages: [
              { role: 'system', content: 'You are a senior engineer. Think step by step about the code before proposing a change.' },
              { role: 'user', content: `${rng.pick(['Fix the bug in this code', 'Refactor this code', 'Add tests for this code', 'Explain this error in this code'])}:\n${code.join(' ')}` },
            ],
            max_tokens: 400, n: rng.chance(0.25) ? 2 : 1, temperature: 0.4,
          },
        });
        at += 20_000 + rng.exp(90_000);
      }
    }
  }
  return calls.sort((a, b) => a.at - b.at);
};

/** A nightly batch job summarising distinct long documents: machine-regular, diverse, long inputs. */
export const batchSummarisation: Gen = (org, seed, from, to) => {
  const rng = new Rng(seed);
  const calls: TrafficCall[] = [];
  for (let day = from - (from % (24 * HOUR)); day < to; day += 24 * HOUR) {
    const start = Math.max(from, day + HOUR);
    const end = Math.min(to, day + 3.5 * HOUR);
    if (end <= start) continue;
    for (const at of regularArrivals(rng, start, end, 15_000, 0.08)) {
      calls.push({
        at, org, key: 0,
        body: {
          messages: [{ role: 'user', content: `Summarise the following report in one paragraph:\n${sentence(rng, rng.int(600, 1200))}` }],
          max_tokens: 300, temperature: 0,
        },
      });
    }
  }
  return calls;
};


/**
 * Ticket triage: a pipeline classifying every incoming ticket around the clock, reading the
 * label's log probability as its confidence (logprobs, top_logprobs 2, max_tokens 1).
 */
export const triageClassifier: Gen = (org, seed, from, to) => {
  const rng = new Rng(seed);
  return regularArrivals(rng, from, to, 40_000, 0.35).map((at) => ({
    at, org, key: 0,
    body: {
      messages: [
        { role: 'system', content: 'Classify the ticket as one of: billing, technical, account, shipping, other. Answer with the label only.' },
        { role: 'user', content: sentence(rng, rng.int(20, 45)) },
      ],
      max_tokens: 1, logprobs: true, top_logprobs: 2, temperature: 0,
    },
  }));
};

export const DAY_MS = 24 * HOUR;
export { MINUTE };
