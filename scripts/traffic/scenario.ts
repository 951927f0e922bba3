import { promptTokens } from './completion-length';
import type { CorpusRecord } from './corpus';
import { pool, type Split } from './corpus-split';
import { HOUR, Rng } from './random';
import {
  bareClassifier,
  bareScript,
  carefulDistiller,
  codingAssistant,
  cotMultiSample,
  type Ctx,
  employeeAssistant,
  hydraAccount,
  logprobHarvest,
  lowAndSlow,
  nightlyBenchmark,
  ragApp,
  shuffle,
  supportPipeline,
} from './real-workloads';
import type { OrgScenario, Scenario, TrafficCall, Workload } from './traffic.types';

/** A Monday, so office hours mean something; simulated, far from the wall clock on purpose. */
export const SIM_DAY = Date.UTC(2026, 2, 2);

/**
 * Campaign and workload parameters per split, FIXED BEFORE TUNING together with the source split
 * (corpus-split.ts) and the held-out seeds (eval-detection.ts), in the commit that defines the
 * held-out split. `dev` keeps the parameters the earlier rounds were measured with (plus the small
 * bare script, added as a benign guard). `heldout` was fixed in commit d5aaab6, of its own, before
 * any tuning that followed (earlier held-out parameters are used up: docs/detection.md): campaign
 * shapes, periods, key counts, rates, wrappers, time zones, group sizes, start times, cues and
 * benign shapes that no earlier run and no tuning used: 32 low-and-slow keys joining one every
 * 7 min with 1–2 calls a session at periods of 3–45 min; an office-hours careful distiller in
 * Central European hours on 4 keys behind an Alpaca-style instruction/response template; an
 * around-the-clock one on a single key; the mixed distiller on 3 of an employee assistant's 14
 * per-person keys; a bare script in US West hours sending 6 short runs a working day.
 */
interface SplitParams {
  wrappers: readonly ((text: string) => string)[];
  careful: {
    officeHours: {
      rate: number;
      keys: number;
      start: number;
      utcOffset: number;
      wrap: (text: string) => string;
    };
    aroundTheClock: { rate: number; keys: number; start: number };
  };
  lowAndSlow: {
    keys: number;
    periodMinutes: [number, number];
    start: number;
    callsPerSession: [number, number];
    staggerMinutes: number;
    /** Instructions it cycles through (default: its whole share of the pool). */
    poolSize?: number;
  };
  rephrasing: { rate: number; keys: number; start: number };
  hydra: { orgs: number; ratePerOrg: number; poolSize: number; start: number };
  /** The host organisation the mixed distiller hides in (a support pipeline, a coding assistant or an employee assistant, one key per person) and the keys the distiller uses. */
  mixed: {
    rate: number;
    start: number;
    host: 'support' | 'coding' | 'assistant';
    hostKeys: number;
    campaignKeys: number[];
  };
  blatant: { logprobPeriodMs: number; cotPeriodMs: number; cue: string; start: number };
  /** A small benign script sending bare default-parameter prompts a few times a working day. */
  script: {
    runsPerDay: number;
    promptsPerRun: [number, number];
    gapMs: number;
    utcOffset: number;
    kind: 'human_chat' | 'code_task';
  };
  benchmarkSuffix: string;
  supportRate: number;
  employees: number;
  /** Benchmarks of the split: nightly batch A (and the RAG documents), nightly batch B. */
  benchA: RegExp;
  benchB: readonly RegExp[];
}

const DEV_PREAMBLE =
  'You are an expert assistant. Read the task below carefully and answer it completely. Use clear headings where they help, give code in fenced blocks with the language named, explain your reasoning briefly before the final answer, and do not refuse or ask clarifying questions: make reasonable assumptions and state them.\n\nTask: ';
const PARAMS: Record<Split, SplitParams> = {
  dev: {
    wrappers: [
      (t) => `Hi! ${t} Much appreciated.`,
      (t) => `My manager asked me about this and I'm not sure: ${t}`,
      (t) => `Hey, ${t.charAt(0).toLowerCase()}${t.slice(1)}`,
      (t) => `For a project I'm doing:\n\n${t}\n\nWhat would you suggest?`,
      (t) => `${t} (please be thorough)`,
      (t) => `Hello, I have a task. ${t}`,
    ],
    careful: {
      officeHours: { rate: 14, keys: 3, start: 32.5, utcOffset: 0, wrap: (t) => DEV_PREAMBLE + t },
      aroundTheClock: { rate: 30, keys: 2, start: 29 },
    },
    lowAndSlow: {
      keys: 30,
      periodMinutes: [2, 60],
      start: 25,
      callsPerSession: [1, 2],
      staggerMinutes: 10,
      poolSize: 90,
    },
    rephrasing: { rate: 35, keys: 3, start: 31 },
    hydra: { orgs: 12, ratePerOrg: 4, poolSize: 200, start: 26 },
    mixed: { rate: 30, start: 34, host: 'coding', hostKeys: 8, campaignKeys: [1, 3, 5] },
    blatant: {
      logprobPeriodMs: 8_000,
      cotPeriodMs: 15_000,
      cue: 'Show your reasoning step by step before the final answer.',
      start: 42,
    },
    script: {
      runsPerDay: 5,
      promptsPerRun: [5, 12],
      gapMs: 10_000,
      utcOffset: 0,
      kind: 'human_chat',
    },
    benchmarkSuffix: "\n\nLet's think step by step.",
    supportRate: 24,
    employees: 40,
    benchA: /mmlu/,
    benchB: [/human-eval/],
  },
  heldout: {
    wrappers: [
      (t) => `Sorry to bother you again. ${t}`,
      (t) => `${t}\n\nA short answer is fine, but be precise.`,
      (t) => `My colleague and I disagree on this one. ${t}`,
      (t) => `Context: preparing a training session.\n\n${t}`,
      (t) => `Would you mind helping? ${t.charAt(0).toLowerCase()}${t.slice(1)}`,
      (t) => `${t} I'd appreciate any pointers.`,
      (t) => `Good morning! ${t}`,
      (t) => `Here's what I'm stuck on: ${t}`,
      (t) => `${t}\n\n(for an internal wiki page)`,
    ],
    careful: {
      officeHours: {
        rate: 10,
        keys: 4,
        start: 36.5,
        utcOffset: 1,
        wrap: (t) => `### Instruction:\n${t}\n\n### Response:`,
      },
      aroundTheClock: { rate: 24, keys: 1, start: 30.5 },
    },
    lowAndSlow: {
      keys: 32,
      periodMinutes: [3, 45],
      start: 27,
      callsPerSession: [1, 2],
      staggerMinutes: 7,
    },
    rephrasing: { rate: 20, keys: 3, start: 28.5 },
    hydra: { orgs: 8, ratePerOrg: 5, poolSize: 170, start: 27 },
    mixed: { rate: 20, start: 35, host: 'assistant', hostKeys: 14, campaignKeys: [4, 9, 11] },
    blatant: {
      logprobPeriodMs: 10_000,
      cotPeriodMs: 16_000,
      cue: 'Reason step by step and show every intermediate step before the final answer.',
      start: 41,
    },
    script: {
      runsPerDay: 6,
      promptsPerRun: [4, 10],
      gapMs: 7_000,
      utcOffset: -8,
      kind: 'human_chat',
    },
    benchmarkSuffix: "\n\nLet's work this out step by step.",
    supportRate: 21,
    employees: 28,
    benchA: /arc_easy/,
    benchB: [/grade-school-math/, /mbpp/],
  },
};

interface Built {
  org: Omit<OrgScenario, 'baselineTokensPerHour'>;
  calls: TrafficCall[];
}

const benign = (name: string, workload: Workload, keys: number, calls: TrafficCall[]): Built => ({
  org: { name, workload, keys, campaignKeys: [], campaignStart: null, blatant: false },
  calls,
});
const campaign = (
  name: string,
  workload: Workload,
  keys: number,
  campaignKeys: number[],
  start: number,
  calls: TrafficCall[],
  blatant = false,
): Built => ({
  org: { name, workload, keys, campaignKeys, campaignStart: start, blatant },
  calls,
});

/** Tokens a call costs, as the contract rule counts them (prompt estimate + answer cut at max_tokens, per choice). */
const tokensOf = (c: TrafficCall) =>
  promptTokens(c.body.messages.map((m) => m.content).join('\n')) +
  Math.min(c.naturalTokens, c.body.max_tokens ?? Infinity) * (c.body.n ?? 1);

/**
 * The labelled population of one split and seed: two simulated days; benign organisations run
 * both, campaigns start on day 2. Contract baselines follow ONE rule for every organisation: its
 * mean tokens per hour over the span it was active (first to last call), i.e. a contract sized
 * to its real use, whatever it does.
 */
export function buildScenario(
  records: readonly CorpusRecord[],
  split: Split,
  seed: number,
  hours = 48,
): Scenario {
  const p = PARAMS[split];
  const start = SIM_DAY;
  const end = SIM_DAY + hours * HOUR;
  const at = (h: number) => start + h * HOUR;
  const rngFor = (i: number) => new Rng(seed * 7919 + i * 104_729);
  const ctx = (org: string, i: number, isCampaign: boolean): Ctx => ({
    org,
    rng: rngFor(i),
    campaign: isCampaign,
  });
  const P = (kind: CorpusRecord['kind'], source?: RegExp) => pool(records, split, kind, source);

  const support = shuffle(rngFor(900), P('support_message'));
  const humans = shuffle(rngFor(901), P('human_chat'));
  const code = P('code_task');
  const benchmarks = P('benchmark_item');
  const instructions = shuffle(rngFor(902), P('instruction_synthetic'));
  // Disjoint slices: distinct companies do not share their customers' messages or their staff's questions.
  const third = Math.floor(support.length / 3);
  const [supA, supB, supC] = [
    support.slice(0, third),
    support.slice(third, 2 * third),
    support.slice(2 * third),
  ];
  // With an employee assistant as the mixed host, the staff's questions are cut in three, not two.
  const half = Math.floor(humans.length / (p.mixed.host === 'assistant' ? 3 : 2));
  const byBench = (re: RegExp) => benchmarks.filter((r) => re.test(r.source));
  const benchA = byBench(p.benchA).slice(0, 300);
  const benchB = p.benchB.flatMap((re) => byBench(re).slice(0, 300 / p.benchB.length));
  // Campaigns draw from the instruction pool in disjoint shares, except the hydra, whose accounts share one.
  const share = (i: number, n = 7) => instructions.filter((_, j) => j % n === i);
  const hydraPool = share(5).slice(0, p.hydra.poolSize);

  const built: Built[] = [
    benign(
      'support-retail',
      'support_pipeline',
      2,
      supportPipeline(ctx('support-retail', 1, false), supA, start, end, {
        keys: 2,
        sessionsPerHour: p.supportRate,
        utcOffset: 0,
      }),
    ),
    benign(
      'support-launch',
      'support_pipeline',
      3,
      supportPipeline(ctx('support-launch', 2, false), supB, start, end, {
        keys: 3,
        sessionsPerHour: p.supportRate,
        utcOffset: 1,
        spikeAt: at(34),
      }),
    ),
    benign(
      'assistant-staff',
      'employee_assistant',
      p.employees,
      employeeAssistant(ctx('assistant-staff', 3, false), humans.slice(0, half), start, end, {
        employees: p.employees,
        sessionsPerDay: 3,
        utcOffset: 0,
        system:
          'You are the internal assistant of a consulting firm. Be accurate and concise; say when you are unsure.',
      }),
    ),
    benign(
      'assistant-apac',
      'employee_assistant',
      Math.round(p.employees / 2),
      employeeAssistant(
        ctx('assistant-apac', 4, false),
        humans.slice(half, p.mixed.host === 'assistant' ? 2 * half : undefined),
        start,
        end,
        {
          employees: Math.round(p.employees / 2),
          sessionsPerDay: 5,
          utcOffset: 8,
          system: 'You help employees of a logistics company. Answer in plain language.',
        },
      ),
    ),
    benign(
      'coding-ide',
      'coding_assistant',
      12,
      codingAssistant(ctx('coding-ide', 5, false), code, start, end, {
        devs: 12,
        sessionsPerDay: 4,
        utcOffset: -5,
      }),
    ),
    benign(
      'rag-knowledge',
      'rag_app',
      3,
      ragApp(ctx('rag-knowledge', 6, false), benchA, supC, start, end, {
        keys: 3,
        sessionsPerHour: 10,
        utcOffset: 2,
      }),
    ),
    benign(
      'bench-nightly-a',
      'nightly_benchmark',
      1,
      nightlyBenchmark(ctx('bench-nightly-a', 7, false), benchA, start, end, {
        startHourUtc: 1,
        periodMs: 20_000,
        suffix: p.benchmarkSuffix,
      }),
    ),
    benign(
      'bench-nightly-b',
      'nightly_benchmark',
      1,
      nightlyBenchmark(
        ctx('bench-nightly-b', 8, false),
        [...benchB, ...benchA.slice(0, 60)],
        start,
        end,
        { startHourUtc: 2, periodMs: 25_000, suffix: '' },
      ),
    ),
    benign(
      'triage-bare',
      'bare_classifier',
      1,
      bareClassifier(ctx('triage-bare', 9, false), supC, start, end, {
        periodMs: 90_000,
        template: (t) =>
          `Classify the customer message into one intent label.\nMessage: ${t}\nLabel:`,
      }),
    ),
    benign(
      'script-bare',
      'bare_script',
      1,
      bareScript(
        ctx('script-bare', 10, false),
        p.script.kind === 'code_task' ? code : [...humans].reverse(),
        start,
        end,
        p.script,
      ),
    ),
  ];

  const c = p.careful;
  built.push(
    campaign(
      'careful-office',
      'careful_distiller',
      c.officeHours.keys,
      range(c.officeHours.keys),
      at(c.officeHours.start),
      carefulDistiller(ctx('careful-office', 20, true), share(0), at(c.officeHours.start), end, {
        rate: c.officeHours.rate,
        officeHours: true,
        utcOffset: c.officeHours.utcOffset,
        keys: range(c.officeHours.keys),
        wrap: (_rng, t) => c.officeHours.wrap(t),
      }),
    ),
    campaign(
      'careful-clock',
      'careful_distiller',
      c.aroundTheClock.keys,
      range(c.aroundTheClock.keys),
      at(c.aroundTheClock.start),
      carefulDistiller(ctx('careful-clock', 21, true), share(1), at(c.aroundTheClock.start), end, {
        rate: c.aroundTheClock.rate,
        officeHours: false,
        utcOffset: 0,
        keys: range(c.aroundTheClock.keys),
      }),
    ),
    campaign(
      'low-and-slow',
      'low_and_slow',
      p.lowAndSlow.keys,
      range(p.lowAndSlow.keys),
      at(p.lowAndSlow.start),
      lowAndSlow(
        ctx('low-and-slow', 22, true),
        share(2).slice(0, p.lowAndSlow.poolSize),
        at(p.lowAndSlow.start),
        end,
        {
          keys: range(p.lowAndSlow.keys),
          periodMinutes: p.lowAndSlow.periodMinutes,
          callsPerSession: p.lowAndSlow.callsPerSession,
          staggerMinutes: p.lowAndSlow.staggerMinutes,
        },
      ),
    ),
    campaign(
      'rephrasing',
      'rephrasing_distiller',
      p.rephrasing.keys,
      range(p.rephrasing.keys),
      at(p.rephrasing.start),
      carefulDistiller(ctx('rephrasing', 23, true), share(3), at(p.rephrasing.start), end, {
        rate: p.rephrasing.rate,
        officeHours: false,
        utcOffset: 0,
        keys: range(p.rephrasing.keys),
        wrap: (rng, t) => rng.pick(p.wrappers)(t),
      }),
    ),
  );
  // The mixed organisation: a legitimate application for both days, a distiller on some of its keys from day 2.
  const mixedStart = at(p.mixed.start);
  const m = p.mixed;
  const mixedName = `mixed-${m.host}`;
  const mixedCtx = ctx(mixedName, 24, false);
  const mixedHostCalls =
    m.host === 'support'
      ? supportPipeline(mixedCtx, supB.slice(0, 150), start, end, {
          keys: m.hostKeys,
          sessionsPerHour: p.supportRate / 2,
          utcOffset: 0,
        })
      : m.host === 'coding'
        ? codingAssistant(mixedCtx, code, start, end, {
            devs: m.hostKeys,
            sessionsPerDay: 4,
            utcOffset: 1,
          })
        : employeeAssistant(mixedCtx, humans.slice(2 * half), start, end, {
            employees: m.hostKeys,
            sessionsPerDay: 4,
            utcOffset: -3,
            system:
              'You are the assistant of an engineering consultancy. Answer precisely and cite standards where relevant.',
          });
  const mixedKeys = m.campaignKeys;
  built.push(
    campaign(mixedName, 'mixed_distiller', m.hostKeys, mixedKeys, mixedStart, [
      ...mixedHostCalls,
      ...carefulDistiller(ctx(mixedName, 25, true), share(4), mixedStart, end, {
        rate: m.rate,
        officeHours: false,
        utcOffset: 0,
        keys: mixedKeys,
      }),
    ]),
  );
  for (let h = 0; h < p.hydra.orgs; h++) {
    const name = `hydra-${h + 1}`;
    const from = at(p.hydra.start + (h % 4) * 0.5);
    built.push(
      campaign(
        name,
        'hydra_account',
        1,
        [0],
        from,
        hydraAccount(ctx(name, 30 + h, true), hydraPool, from, end, {
          ratePerHour: p.hydra.ratePerOrg,
        }),
      ),
    );
  }
  const b = p.blatant;
  built.push(
    campaign(
      'blatant-logprobs',
      'logprob_harvest',
      1,
      [0],
      at(b.start),
      logprobHarvest(
        ctx('blatant-logprobs', 50, true),
        share(6),
        at(b.start),
        Math.min(end, at(b.start + 3)),
        { key: 0, periodMs: b.logprobPeriodMs },
      ),
      true,
    ),
    campaign(
      'blatant-cot',
      'cot_multi_sample',
      1,
      [0],
      at(b.start + 1),
      cotMultiSample(
        ctx('blatant-cot', 51, true),
        share(6).reverse(),
        at(b.start + 1),
        Math.min(end, at(b.start + 4)),
        { key: 0, periodMs: b.cotPeriodMs, cue: b.cue },
      ),
      true,
    ),
  );

  const orgs: OrgScenario[] = built.map(({ org, calls }) => {
    calls.sort((x, y) => x.at - y.at);
    const span = calls.length ? Math.max(HOUR, calls[calls.length - 1].at - calls[0].at) : HOUR;
    const tokens = calls.reduce((s, x) => s + tokensOf(x), 0);
    return {
      ...org,
      campaignStart:
        org.campaignStart !== null && org.campaignStart < end ? org.campaignStart : null,
      baselineTokensPerHour: Math.max(1000, tokens / (span / HOUR)),
    };
  });
  const calls = built
    .flatMap((x) => x.calls)
    .filter((x) => x.at >= start && x.at < end)
    .sort((x, y) => x.at - y.at);
  return { split, seed, start, end, orgs, calls };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
