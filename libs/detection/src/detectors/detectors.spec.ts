import { DEFAULT_THRESHOLDS } from '../detection.config';
import { promptSignals } from '@velvet/audit';
import {
  call,
  context,
  diversePrompt,
  orgWindow,
  rng,
  START,
  supportPrompt,
} from '../testing/call-fixtures';
import { machineCadenceDetector } from './cadence.detector';
import type { DetectorInput } from './detector';
import { keySpreadDetector } from './key-spread.detector';
import { promptDiversityDetector, templatedPromptsDetector } from './prompt-shape.detectors';
import {
  chainOfThoughtDetector,
  logprobsDetector,
  maxLengthOutputsDetector,
  multiSampleDetector,
} from './request-params.detectors';
import { volumeDetector } from './volume.detector';

const input = (calls: ReturnType<typeof call>[], ctx = context()): DetectorInput => ({
  window: orgWindow(calls),
  context: ctx,
  thresholds: DEFAULT_THRESHOLDS,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('promptSignals', () => {
  it.each([
    'Think step by step.',
    'Show your reasoning before giving the final answer',
    'Use <thinking> tags',
  ])('flags chain-of-thought elicitation: %s', (p) =>
    expect(promptSignals(p)).toEqual(['cot_elicitation']),
  );
  it('leaves ordinary prompts alone', () => {
    expect(promptSignals('Where is my invoice? I stepped away and lost the page.')).toEqual([]);
  });
  it("reads the application's shape from the gateway's flattened prompt", () => {
    expect(promptSignals('user: Write a haiku about rain\n')).toEqual(['single_turn']);
    expect(promptSignals('system: You are Acme support.\nuser: where is my invoice\n')).toEqual([
      'single_turn',
      'system_prompt',
    ]);
    expect(
      promptSignals('system: Be brief.\nuser: hi\nassistant: Hello!\nuser: and you?\n'),
    ).toEqual(['system_prompt']);
  });
  it('flags public-benchmark formatting (lettered options, code stubs with tests)', () => {
    expect(
      promptSignals(
        'user: Which gas do plants absorb?\nA. oxygen\nB. carbon dioxide\nC. helium\nD. neon\n',
      ),
    ).toContain('benchmark_format');
    expect(promptSignals('user: def add(a, b):\n    """Return the sum of a and b."""\n')).toContain(
      'benchmark_format',
    );
    expect(
      promptSignals('user: Summarise this meeting: we agreed on A. Then B. Then C.\n'),
    ).not.toContain('benchmark_format');
  });
});

describe('volume', () => {
  const calls = range(40).map(() => call({ inputTokens: 500, outputTokens: 500 })); // 40k tokens in 20 min = 120k/h
  it('scores traffic far above the contract baseline', () => {
    const r = volumeDetector(input(calls, context({ contractBaselineTokensPerHour: 6_000 })));
    expect(r.score).toBe(1);
    expect(r.metrics.ratioToContract).toBeCloseTo(20, 0);
    // An office-hours customer at three times its hourly average commitment is not "far above" it.
    expect(
      volumeDetector(input(calls, context({ contractBaselineTokensPerHour: 40_000 }))).score,
    ).toBe(0);
  });
  it('stays quiet for a spike of three times its own history', () => {
    expect(volumeDetector(input(calls, context({ historyTokensPerHour: 40_000 }))).score).toBe(0);
  });
  it('scores ten times its own history fully', () => {
    expect(volumeDetector(input(calls, context({ historyTokensPerHour: 12_000 }))).score).toBe(1);
  });
});

describe('prompt diversity and templates', () => {
  it('scores dataset-generation style coverage high and a support bot low', () => {
    expect(
      promptDiversityDetector(input(range(40).map((i) => call({ prompt: diversePrompt(i) }))))
        .score,
    ).toBeGreaterThan(0.8);
    expect(
      promptDiversityDetector(input(range(40).map((i) => call({ prompt: supportPrompt(i) }))))
        .score,
    ).toBe(0);
  });
  it('finds a template enumerated over one slot, not repeated support questions', () => {
    const words = range(40).map((i) => `entity${i}`);
    const templated = words.map((w) =>
      call({
        prompt: `Write a detailed encyclopedia entry about ${w} covering history, uses, and notable facts in depth`,
      }),
    );
    const r = templatedPromptsDetector(input(templated));
    expect(r.score).toBeGreaterThan(0.8);
    expect(
      templatedPromptsDetector(input(range(40).map((i) => call({ prompt: supportPrompt(i) }))))
        .score,
    ).toBe(0);
  });
  it('needs enough calls', () => {
    expect(
      promptDiversityDetector(input(range(5).map((i) => call({ prompt: diversePrompt(i) })))).score,
    ).toBe(0);
  });
});

describe('request parameters', () => {
  it('logprob harvesting scores far above a shallow one-token classifier', () => {
    const harvest = range(20).map(() =>
      call({ logprobs: true, topLogprobs: 20, outputTokens: 400 }),
    );
    const classifier = range(20).map(() =>
      call({ logprobs: true, topLogprobs: 2, outputTokens: 1, maxTokens: 1 }),
    );
    expect(logprobsDetector(input(harvest)).score).toBe(1);
    expect(logprobsDetector(input(classifier)).score).toBeLessThan(0.35);
  });
  it('n > 1 on most calls', () => {
    expect(multiSampleDetector(input(range(20).map(() => call({ n: 5 })))).score).toBe(1);
    expect(
      multiSampleDetector(input(range(20).map((i) => call({ n: i === 0 ? 2 : 1 })))).score,
    ).toBe(0);
  });
  it('outputs cut at max_tokens and far longer than prompts, but not summaries', () => {
    const generation = range(20).map(() =>
      call({ inputTokens: 40, outputTokens: 1024, maxTokens: 1024, finishReason: 'length' }),
    );
    const summaries = range(20).map(() =>
      call({ inputTokens: 3000, outputTokens: 300, maxTokens: 400 }),
    );
    expect(maxLengthOutputsDetector(input(generation)).score).toBe(1);
    expect(maxLengthOutputsDetector(input(summaries)).score).toBe(0);
  });
  it('chain-of-thought share', () => {
    const cot = range(40).map((i) => call({ prompt: `Solve problem ${i}. Think step by step.` }));
    expect(chainOfThoughtDetector(input(cot)).score).toBe(1);
    // Three of five is a weak pattern: the share is scored at its confidence bound.
    const few = range(5).map((i) =>
      call({ prompt: i < 3 ? `Solve problem ${i}. Think step by step.` : `Problem ${i}` }),
    );
    expect(chainOfThoughtDetector(input(few)).score).toBeLessThan(0.3);
    expect(
      chainOfThoughtDetector(input(range(10).map((i) => call({ prompt: supportPrompt(i) })))).score,
    ).toBe(0);
  });
});

describe('machine cadence', () => {
  it('regular gaps score high, bursty human traffic low', () => {
    const next = rng(7);
    const regular = range(40).map((i) =>
      call({ at: START + i * 30_000 + Math.floor(next() * 3000) }),
    );
    let t = START;
    const bursty = range(40).map(() =>
      call({ at: (t += Math.floor(-Math.log(1 - next()) * 30_000)) }),
    );
    expect(
      machineCadenceDetector(input(regular, context({ activeHoursLast24h: 24 }))).score,
    ).toBeGreaterThan(0.9);
    expect(machineCadenceDetector(input(bursty)).score).toBeLessThan(0.2);
  });
  it('judges each key separately: many regular keys merged still look like a script', () => {
    const keys = range(10).flatMap((k) =>
      range(12).map((i) => call({ apiKeyId: `k${k}`, at: START + k * 7_000 + i * 100_000 })),
    );
    expect(machineCadenceDetector(input(keys)).score).toBeGreaterThan(0.6);
  });
});

describe('key spread', () => {
  it('even sharding over many steadily calling keys scores; bursts and one busy key do not', () => {
    const even = range(12).flatMap((k) =>
      range(5).map((i) => call({ apiKeyId: `k${k}`, at: START + i * 4 * 60_000 + k * 1000 })),
    );
    const r = keySpreadDetector(input(even));
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.implicatedKeyIds).toHaveLength(12);
    const team = range(12).flatMap((k) =>
      range(k < 2 ? 25 : 1 + (k % 3)).map(() => call({ apiKeyId: `k${k}` })),
    );
    expect(keySpreadDetector(input(team)).score).toBe(0);
    // Twelve developers each in one short session: many keys, evenly used, but bursts, not streams.
    const sessions = range(12).flatMap((k) =>
      range(5).map((i) => call({ apiKeyId: `k${k}`, at: START + k * 90_000 + i * 20_000 })),
    );
    expect(keySpreadDetector(input(sessions)).score).toBe(0);
  });
});
