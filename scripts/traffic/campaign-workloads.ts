import { HOUR, MINUTE, regularArrivals, Rng } from './random';
import type { TrafficCall } from './traffic.types';
import { CONSTRAINTS, COT, entities, TASKS, TOPICS } from './vocabulary';

type Campaign = (org: string, seed: number, from: number, to: number, keys: number[]) => TrafficCall[];

function selfInstructPrompt(rng: Rng, i: number, cot: number): string {
  const parts = [rng.pick(TASKS), rng.pick(TOPICS), `(item ${i}, variant ${rng.int(1, 9999)}).`, rng.pick(CONSTRAINTS)];
  if (rng.chance(cot)) parts.push(rng.pick(COT));
  return parts.join(' ');
}

/**
 * Broad self-instruct dataset generation: four worker threads on one key, each sending the next
 * task of a generated curriculum as soon as the previous answer arrives (plus a little jitter),
 * long answers, mostly asking for the reasoning.
 */
export const selfInstruct: Campaign = (org, seed, from, to, keys) => {
  const rng = new Rng(seed);
  const times = [0, 1, 2, 3].flatMap(() => regularArrivals(rng, from, to, 40_000, 0.15)).sort((a, b) => a - b);
  return times.map((at, i) => ({
    at, org, key: keys[0],
    body: { messages: [{ role: 'user', content: selfInstructPrompt(rng, i, 0.7) }], max_tokens: 1200, temperature: 0.9, n: rng.chance(0.3) ? 2 : 1 },
  }));
};

/** Log-probability harvesting: soft labels for distillation, deep top_logprobs over long outputs. */
export const logprobHarvest: Campaign = (org, seed, from, to, keys) => {
  const rng = new Rng(seed);
  return regularArrivals(rng, from, to, 9_000, 0.2).map((at, i) => ({
    at, org, key: keys[0],
    body: {
      messages: [{ role: 'user', content: `${rng.pick(TASKS)} ${rng.pick(TOPICS)} (sample ${i}-${rng.int(1, 99999)}).` }],
      max_tokens: 512, logprobs: true, top_logprobs: 20, temperature: 1,
    },
  }));
};

/**
 * Low and slow: the same generation job sharded over many keys, each calling every four to six
 * minutes around the clock, so no key and no hour stands out on volume.
 */
export const lowAndSlow: Campaign = (org, seed, from, to, keys) => {
  const rng = new Rng(seed);
  return keys.flatMap((key) =>
    regularArrivals(rng, from + rng.next() * 5 * MINUTE, to, 5 * MINUTE, 0.12).map((at, i) => ({
      at, org, key,
      body: { messages: [{ role: 'user', content: selfInstructPrompt(rng, i * 100 + key, 0.6) }], max_tokens: 900, temperature: 0.8 },
    })),
  );
};

const TEMPLATE = (e: string) =>
  `Write a comprehensive encyclopedia article about ${e}, covering its history, geography, economy, culture and notable people, in at least five sections.`;

/** Template enumeration: one prompt, one slot, every value of a generated list used once. */
export const templateEnumeration: Campaign = (org, seed, from, to, keys) => {
  const rng = new Rng(seed);
  const names = entities(5000);
  let next = rng.int(0, 1000);
  return regularArrivals(rng, from, to, 12_000, 0.1).map((at) => ({
    at, org, key: keys[0],
    body: { messages: [{ role: 'user', content: TEMPLATE(names[next++ % names.length]) }], max_tokens: 1500, temperature: 0.7 },
  }));
};

export { HOUR };
