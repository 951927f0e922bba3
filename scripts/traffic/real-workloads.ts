import { naturalCompletionTokens } from './completion-length';
import type { CorpusRecord } from './corpus';
import { HOUR, MINUTE, officeHoursArrivals, poissonArrivals, regularArrivals, Rng } from './random';
import type { TrafficCall } from './traffic.types';

/**
 * Workloads built from the real prompt corpus. Everything simulated about a call (its time, its
 * parameters, its answer's length) comes from the workload's own description and the text, never
 * from whether the sender is a distiller: lengths from naturalCompletionTokens, times from the
 * arrival processes in random.ts, which benign and campaign workloads share.
 */
type Message = TrafficCall['body']['messages'][number];
type Params = Omit<TrafficCall['body'], 'messages'>;

export interface Ctx {
  org: string;
  rng: Rng;
  campaign: boolean;
}

/** The text a user sends for a record: the instruction and its input, as an instruction dataset pairs them. */
export const userText = (r: CorpusRecord): string => (r.input ? `${r.text}\n\n${r.input}` : r.text);

function make(
  ctx: Ctx,
  at: number,
  key: number,
  messages: Message[],
  params: Params,
  record: CorpusRecord | null,
): TrafficCall {
  const last = messages[messages.length - 1].content;
  return {
    at: Math.floor(at),
    org: ctx.org,
    key,
    body: { messages, ...params },
    naturalTokens: naturalCompletionTokens(record, last),
    campaign: ctx.campaign,
  };
}

/** Draws without replacement until the pool is used up, then starts over (reshuffled). */
export function cycle<T>(rng: Rng, pool: readonly T[]): () => T {
  let order: T[] = [];
  return () => {
    if (!order.length) order = shuffle(rng, pool);
    return order.pop()!;
  };
}

export function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---- benign ----

const SUPPORT_SYSTEM =
  'You are the customer support assistant of a retail bank. Answer in at most four sentences, be friendly, link to the ' +
  'help centre when useful, never give legal or investment advice, and hand over to a human agent when the customer is upset.';

/** A support pipeline: one system prompt, customers' messages, short answers, office hours, optional launch-day spike. */
export function supportPipeline(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: {
    keys: number;
    sessionsPerHour: number;
    utcOffset: number;
    spikeAt?: number;
    keyOffset?: number;
  },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  const times = officeHoursArrivals(ctx.rng, from, to, {
    sessionsPerHour: o.sessionsPerHour,
    callsPerSession: 1.3,
    utcOffsetHours: o.utcOffset,
  });
  if (o.spikeAt !== undefined && o.spikeAt < to) {
    // Launch day: four hours at three times the usual rate, same customers, same pipeline.
    times.push(
      ...officeHoursArrivals(ctx.rng, o.spikeAt, Math.min(to, o.spikeAt + 4 * HOUR), {
        sessionsPerHour: o.sessionsPerHour * 2,
        callsPerSession: 1.3,
        utcOffsetHours: o.utcOffset,
      }),
    );
  }
  return times.map((at) => {
    const r = next();
    return make(
      ctx,
      at,
      (o.keyOffset ?? 0) + ctx.rng.int(0, o.keys - 1),
      [
        { role: 'system', content: SUPPORT_SYSTEM },
        { role: 'user', content: userText(r) },
      ],
      { temperature: 0.2, max_tokens: 300 },
      r,
    );
  });
}

const FOLLOW_UPS = [
  'Can you give me an example?',
  'Shorter please.',
  'Why is that?',
  'And what about the opposite case?',
  'Thanks. What should I do next?',
  'Can you put that in a table?',
];

/**
 * Employees using an internal assistant: one key each, a few sessions a day in office hours, an
 * app system prompt, and conversations that continue (history sent with each follow-up).
 */
export function employeeAssistant(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { employees: number; sessionsPerDay: number; utcOffset: number; system: string },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  const calls: TrafficCall[] = [];
  for (let e = 0; e < o.employees; e++) {
    const rate = Math.max(0.05, (o.sessionsPerDay / 8) * Math.exp(ctx.rng.normal(0, 0.8)));
    for (const start of officeHoursArrivals(ctx.rng, from, to, {
      sessionsPerHour: rate,
      callsPerSession: 1,
      utcOffsetHours: o.utcOffset,
    })) {
      const r = next();
      const history: Message[] = [
        { role: 'system', content: o.system },
        { role: 'user', content: userText(r) },
      ];
      calls.push(make(ctx, start, e, [...history], { temperature: 0.7 }, r));
      let at = start;
      while (ctx.rng.chance(0.45) && history.length < 9) {
        at += 40_000 + ctx.rng.exp(120_000);
        history.push(
          { role: 'assistant', content: previousAnswer(r) },
          { role: 'user', content: ctx.rng.pick(FOLLOW_UPS) },
        );
        calls.push(make(ctx, at, e, [...history], { temperature: 0.7 }, null));
      }
    }
  }
  return calls;
}

/** A stand-in for the model's earlier answer in a conversation: its reference where there is one. */
const previousAnswer = (r: CorpusRecord): string =>
  (r.reference ?? `About "${r.text.slice(0, 80)}": here is an overview.`).slice(0, 1200);

/** A coding assistant in the IDE: system prompt, developer questions, iterations with history. */
export function codingAssistant(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { devs: number; sessionsPerDay: number; utcOffset: number },
): TrafficCall[] {
  return employeeAssistant(ctx, pool, from, to, {
    employees: o.devs,
    sessionsPerDay: o.sessionsPerDay,
    utcOffset: o.utcOffset,
    system:
      "You are a coding assistant inside the developer's IDE. Prefer small, idiomatic changes and explain them briefly. The project uses Python 3.12 and TypeScript 5.",
  });
}

/** Retrieval-augmented answers: a fixed document base (chunks recur), long contexts, questions from users. */
export function ragApp(
  ctx: Ctx,
  docs: readonly CorpusRecord[],
  questions: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { keys: number; sessionsPerHour: number; utcOffset: number },
): TrafficCall[] {
  const base = docs.slice(0, 60).map((d) => (d.reference ?? d.text).slice(0, 1500));
  const next = cycle(ctx.rng, questions);
  return officeHoursArrivals(ctx.rng, from, to, {
    sessionsPerHour: o.sessionsPerHour,
    callsPerSession: 1.5,
    utcOffsetHours: o.utcOffset,
  }).map((at) => {
    const q = next();
    const context = [0, 1, 2, 3].map(() => ctx.rng.pick(base)).join('\n---\n');
    return make(
      ctx,
      at,
      ctx.rng.int(0, o.keys - 1),
      [
        {
          role: 'system',
          content:
            'Answer only from the context. Quote the passage you rely on; say so when the context does not answer.',
        },
        { role: 'user', content: `Context:\n${context}\n\nQuestion: ${userText(q)}` },
      ],
      { temperature: 0, max_tokens: 500 },
      null,
    );
  });
}

/**
 * A nightly evaluation batch: the same benchmark items every night, in order, at a steady pace,
 * bare prompts with the standard zero-shot suffix, temperature 0 and a max_tokens, one key.
 */
export function nightlyBenchmark(
  ctx: Ctx,
  items: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { startHourUtc: number; periodMs: number; suffix: string },
): TrafficCall[] {
  const calls: TrafficCall[] = [];
  for (let day = from - (from % (24 * HOUR)); day < to; day += 24 * HOUR) {
    const start = Math.max(from, day + o.startHourUtc * HOUR);
    regularArrivals(
      ctx.rng,
      start,
      Math.min(to, start + items.length * o.periodMs),
      o.periodMs,
      0.1,
    ).forEach((at, i) => {
      const r = items[i % items.length];
      calls.push(
        make(
          ctx,
          at,
          0,
          [{ role: 'user', content: `${userText(r)}${o.suffix}` }],
          { temperature: 0, max_tokens: 512 },
          r,
        ),
      );
    });
  }
  return calls;
}

/** A bare classification pipeline: one prompt template around incoming messages, all day. */
export function bareClassifier(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { periodMs: number; template: (text: string) => string },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  return poissonArrivals(ctx.rng, from, to, o.periodMs).map((at) => {
    const r = next();
    return make(
      ctx,
      at,
      0,
      [{ role: 'user', content: o.template(r.text) }],
      { temperature: 0, max_tokens: 8 },
      null,
    );
  });
}

/**
 * A small script someone runs a few times a working day (a notebook, a cron job, a developer trying
 * the API): each run sends a handful of different questions, bare, with the SDK's defaults, a few
 * seconds apart, and stops. Nothing wraps the prompts, nothing repeats: on shape alone it looks like
 * a careful distiller's first half hour.
 */
export function bareScript(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { runsPerDay: number; promptsPerRun: [number, number]; gapMs: number; utcOffset: number },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  const runs = officeHoursArrivals(ctx.rng, from, to, {
    sessionsPerHour: o.runsPerDay / 8,
    callsPerSession: 1,
    utcOffsetHours: o.utcOffset,
  });
  return runs.flatMap((start) => {
    const n = ctx.rng.int(o.promptsPerRun[0], o.promptsPerRun[1]);
    return Array.from({ length: n }, (_, i) => {
      const r = next();
      const at = start + i * o.gapMs + ctx.rng.exp(o.gapMs / 4);
      return make(ctx, at, 0, [{ role: 'user', content: userText(r) }], {}, r);
    });
  });
}

// ---- campaigns ----

const bare = (text: string): Message[] => [{ role: 'user', content: text }];

export interface DistillerTiming {
  /** Calls per hour (around the clock) or sessions per hour at the office-hours peak. */
  rate: number;
  officeHours: boolean;
  utcOffset: number;
}

function distillerTimes(ctx: Ctx, from: number, to: number, t: DistillerTiming): number[] {
  return t.officeHours
    ? officeHoursArrivals(ctx.rng, from, to, {
        sessionsPerHour: t.rate,
        callsPerSession: 2.5,
        utcOffsetHours: t.utcOffset,
      })
    : poissonArrivals(ctx.rng, from, to, HOUR / t.rate);
}

/** Careful distiller: each instruction once, bare, SDK defaults, human-like arrivals, keys in turn. */
export function carefulDistiller(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: DistillerTiming & { keys: number[]; wrap?: (rng: Rng, text: string) => string },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  return distillerTimes(ctx, from, to, o).map((at) => {
    const r = next();
    const text = o.wrap ? o.wrap(ctx.rng, userText(r)) : userText(r);
    return make(ctx, at, ctx.rng.pick(o.keys), bare(text), {}, r);
  });
}

/**
 * Low and slow: many keys, each a short session every `period` minutes (log-normal around it).
 * `staggerMinutes`: key i joins i × stagger after the start (keys added over hours, as a campaign
 * that opens keys as it goes would); `callsPerSession` (default 1–3).
 */
export function lowAndSlow(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: {
    keys: number[];
    periodMinutes: [number, number];
    callsPerSession?: [number, number];
    staggerMinutes?: number;
  },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  const calls: TrafficCall[] = [];
  const [minCalls, maxCalls] = o.callsPerSession ?? [1, 3];
  for (const key of o.keys) {
    const period =
      (o.periodMinutes[0] + ctx.rng.next() * (o.periodMinutes[1] - o.periodMinutes[0])) * MINUTE;
    const joins = from + key * (o.staggerMinutes ?? 0) * MINUTE;
    for (
      let t = joins + ctx.rng.next() * period;
      t < to;
      t += period * Math.exp(ctx.rng.normal(0, 0.5))
    ) {
      let at = t;
      for (
        let i = 0, n = ctx.rng.int(minCalls, maxCalls);
        i < n;
        i++, at += 15_000 + ctx.rng.exp(45_000)
      ) {
        const r = next();
        calls.push(make(ctx, at, key, bare(userText(r)), {}, r));
      }
    }
  }
  return calls;
}

/** One account of a hydra: a few bare calls an hour, drawn (with replacement) from the instruction pool all its sibling accounts share. */
export function hydraAccount(
  ctx: Ctx,
  shared: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { ratePerHour: number },
): TrafficCall[] {
  return poissonArrivals(ctx.rng, from, to, HOUR / o.ratePerHour).map((at) => {
    const r = ctx.rng.pick(shared);
    return make(ctx, at, 0, bare(userText(r)), {}, r);
  });
}

/** A blatant harvest of soft labels: deep top_logprobs, long outputs, a script's steady pace. */
export function logprobHarvest(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { key: number; periodMs: number },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  return regularArrivals(ctx.rng, from, to, o.periodMs, 0.15).map((at) => {
    const r = next();
    return make(
      ctx,
      at,
      o.key,
      bare(userText(r)),
      { logprobs: true, top_logprobs: 10, max_tokens: 1024 },
      r,
    );
  });
}

/** A blatant reasoning harvest: chain-of-thought cue, several samples per prompt, max-length answers. */
export function cotMultiSample(
  ctx: Ctx,
  pool: readonly CorpusRecord[],
  from: number,
  to: number,
  o: { key: number; periodMs: number; cue: string },
): TrafficCall[] {
  const next = cycle(ctx.rng, pool);
  return regularArrivals(ctx.rng, from, to, o.periodMs, 0.2).map((at) => {
    const r = next();
    return make(
      ctx,
      at,
      o.key,
      bare(`${userText(r)}\n\n${o.cue}`),
      { n: 4, max_tokens: 2048, temperature: 1 },
      r,
    );
  });
}
