import { DEFAULT_THRESHOLDS } from '../detection.config';
import type { HorizonCall, SubjectHorizon } from '../features/call-feature';
import {
  context,
  diversePrompt,
  fixtureMinhash,
  orgWindow,
  START,
  supportPrompt,
} from '../testing/call-fixtures';
import type { DetectorInput } from './detector';
import {
  applicationShapeDetector,
  crossOrgClusterDetector,
  instructionCoverageDetector,
} from './coverage.detectors';
import { historyDriftDetector, populationDriftDetector } from './drift.detector';

const MIN = 60_000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function hc(over: Partial<HorizonCall> & { prompt: string; at: number }): HorizonCall {
  return {
    apiKeyId: 'key-1',
    occurredAt: new Date(over.at),
    novel: true,
    templated: false,
    flags: ['single_turn'],
    defaultParams: true,
    inputTokens: 60,
    outputTokens: 300,
    promptMinhash: fixtureMinhash(over.prompt),
    ...over,
  };
}

const input = (horizon: Partial<SubjectHorizon>, end = START + 6 * 60 * MIN): DetectorInput => ({
  window: { ...orgWindow([]), windowStart: new Date(end - 20 * MIN), windowEnd: new Date(end) },
  context: context({ horizon: { hours: 6, calls: [], history: [], crossOrg: null, ...horizon } }),
  thresholds: DEFAULT_THRESHOLDS,
});

/** A distiller: a new bare prompt every 90 seconds for six hours, over three keys. */
const harvest = range(240).map((i) =>
  hc({ prompt: diversePrompt(i), at: START + i * 1.5 * MIN, apiKeyId: `k${i % 3}` }),
);
/** A support application: system prompt, conversation history, pinned parameters; questions recur. */
const support = range(90).map((i) =>
  hc({
    prompt: supportPrompt(i),
    at: START + i * 4 * MIN,
    flags: ['system_prompt'],
    defaultParams: false,
    novel: i < 4,
    apiKeyId: 'app',
  }),
);

describe('instruction coverage', () => {
  it('scores hours of new bare prompts and implicates every key that carried them', () => {
    const r = instructionCoverageDetector(input({ calls: harvest }));
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.implicatedKeyIds).toEqual(['k0', 'k1', 'k2']);
    expect(r.summary).toMatch(/240 bare prompts new to this subject/);
  });
  it('stays quiet for an application, and for bare prompts it has sent before (a re-run benchmark)', () => {
    expect(instructionCoverageDetector(input({ calls: support })).score).toBe(0);
    expect(
      instructionCoverageDetector(input({ calls: harvest.map((c) => ({ ...c, novel: false })) }))
        .score,
    ).toBe(0);
  });
});

describe('instruction coverage at a careful pace (purity)', () => {
  /** A careful distiller: 30 new bare default-parameter prompts in its first hour, one every 2 minutes. */
  const careful = range(30).map((i) =>
    hc({ prompt: diversePrompt(1000 + i), at: START + 5 * 60 * MIN + i * 2 * MIN }),
  );
  it('scores an organisation whose traffic is nothing but new bare prompts with defaults, whatever the pace', () => {
    const r = instructionCoverageDetector(input({ calls: careful }));
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.metrics.purityScore).toBe(1);
    expect(r.metrics.paceScore).toBeLessThan(0.6);
  });
  it('does not, at that pace, when the new bare prompts sit beside an application, or pin parameters', () => {
    const mixed = [
      ...careful,
      ...support.slice(0, 40).map((c, i) => ({ ...c, occurredAt: new Date(START + i * 8 * MIN) })),
    ];
    expect(Number(instructionCoverageDetector(input({ calls: mixed })).metrics.purityScore)).toBe(
      0,
    );
    expect(
      instructionCoverageDetector(
        input({ calls: careful.map((c) => ({ ...c, defaultParams: false })) }),
      ).score,
    ).toBeLessThan(0.3);
  });
});

describe('a small script is not a stream (sustained activity)', () => {
  /** Three runs of a script in six hours: 15 new bare default-parameter questions, 4 s apart, each run. */
  const script = [40, 160, 300].flatMap((minute, run) =>
    range(15).map((i) =>
      hc({ prompt: diversePrompt(3000 + run * 15 + i), at: START + minute * MIN + i * 4_000 }),
    ),
  );
  it('keeps coverage and shape below what opens a case for a few short runs of bare prompts', () => {
    const coverage = instructionCoverageDetector(input({ calls: script }));
    expect(coverage.score).toBe(0);
    expect(coverage.metrics).toMatchObject({ sustainedSlots: 3 });
    expect(coverage.summary).toMatch(/in 3 of the \d+ slots/);
    expect(applicationShapeDetector(input({ calls: script })).score).toBeLessThanOrEqual(0.4);
  });
  it('keeps four runs that fall within the hour below what opens a case: four runs, not a stream', () => {
    const close = [0, 15, 30, 45].flatMap((minute, run) =>
      range(12).map((i) =>
        hc({
          prompt: diversePrompt(3500 + run * 12 + i),
          at: START + (300 + minute) * MIN + i * 10_000,
        }),
      ),
    );
    const coverage = instructionCoverageDetector(input({ calls: close }));
    expect(coverage.metrics).toMatchObject({ sustainedRuns: 4 });
    expect(coverage.score).toBeLessThan(0.4);
    expect(applicationShapeDetector(input({ calls: close })).score).toBeLessThan(0.65);
  });
  it('still scores the same calls spread as a stream, at any period that fills its slots', () => {
    // A fast stream is sustained at the 2-minute scale within 20 minutes (60 calls, one every 20 s).
    const fast = range(60).map((i) =>
      hc({ prompt: diversePrompt(4500 + i), at: START + i * 20_000 }),
    );
    expect(
      instructionCoverageDetector(input({ calls: fast }, START + 20 * MIN)).score,
    ).toBeGreaterThan(0.9);
    // A scripted harvest at several calls a minute is sustained at the half-minute scale within 10 minutes.
    const blatant = range(60).map((i) =>
      hc({ prompt: diversePrompt(4700 + i), at: START + i * 10_000 }),
    );
    expect(
      instructionCoverageDetector(input({ calls: blatant }, START + 10 * MIN)).metrics.paceScore,
    ).toBe(1);
    for (const gapMin of [2, 5, 9]) {
      const stream = range(45).map((i) =>
        hc({ prompt: diversePrompt(4000 + i), at: START + i * gapMin * MIN }),
      );
      expect(
        instructionCoverageDetector(input({ calls: stream }, START + 45 * gapMin * MIN)).score,
      ).toBeGreaterThan(0.9);
    }
  });
});

describe('keys implicated by their own traffic', () => {
  it('implicates a slow shard from a day of its traffic when the horizon holds too little of it', () => {
    const shards = range(60).map((i) =>
      hc({ prompt: diversePrompt(5000 + i), at: START + i * 5 * MIN, apiKeyId: `shard-${i % 30}` }),
    );
    const keyTraffic = [
      { apiKeyId: 'slow', hours: 24, calls: 9, bareDefaultCalls: 9 },
      { apiKeyId: 'app', hours: 24, calls: 40, bareDefaultCalls: 2 },
      { apiKeyId: 'once', hours: 24, calls: 1, bareDefaultCalls: 1 },
    ];
    const r = applicationShapeDetector(input({ calls: shards, keyTraffic }));
    expect(r.implicatedKeyIds).toContain('slow');
    expect(r.implicatedKeyIds).not.toContain('app');
    expect(r.implicatedKeyIds).not.toContain('once');
  });
  it('implicates every shard of a campaign over many keys, however small, and not the application key', () => {
    const shards = range(60).map((i) =>
      hc({ prompt: diversePrompt(2000 + i), at: START + i * 5 * MIN, apiKeyId: `shard-${i % 30}` }),
    );
    const app = support.map((c) => ({ ...c, apiKeyId: 'app' }));
    const r = applicationShapeDetector(input({ calls: [...shards, ...app.slice(0, 10)] }));
    expect(r.implicatedKeyIds).toHaveLength(30);
    expect(r.implicatedKeyIds).not.toContain('app');
  });
});

describe('application shape', () => {
  it('scores bare prompts with SDK defaults, far less with pinned parameters, not an application', () => {
    const bare = applicationShapeDetector(input({ calls: harvest })).score;
    const pinned = applicationShapeDetector(
      input({ calls: harvest.map((c) => ({ ...c, defaultParams: false })) }),
    ).score;
    expect(bare).toBeGreaterThan(0.9);
    expect(pinned).toBeLessThan(0.4);
    expect(applicationShapeDetector(input({ calls: support })).score).toBe(0);
  });
});

describe('history drift (MMD)', () => {
  it('finds an application that starts sending bare diverse prompts, not more of its usual traffic', () => {
    const history = support.map((c, i) => ({
      ...c,
      occurredAt: new Date(START - (i + 1) * 5 * MIN),
    }));
    const shifted = historyDriftDetector(
      input({ calls: [...support.slice(0, 30), ...harvest.slice(0, 60)], history }),
    );
    expect(shifted.score).toBeGreaterThan(0.5);
    expect(Number(shifted.metrics.pValue)).toBeLessThan(0.05);
    expect(historyDriftDetector(input({ calls: support, history })).score).toBe(0);
  });
  it('implicates the keys whose own calls carry the drift, not the application keys beside them', () => {
    const history = support.map((c, i) => ({
      ...c,
      occurredAt: new Date(START - (i + 1) * 5 * MIN),
      apiKeyId: i % 2 ? 'app-a' : 'app-b',
    }));
    const now = [
      // Its users' questions are new to it, as a coding assistant's are: novelty alone is no evidence.
      ...support
        .slice(0, 40)
        .map((c, i) => ({ ...c, novel: true, apiKeyId: i % 2 ? 'app-a' : 'app-b' })),
      ...harvest.slice(0, 60).map((c) => ({ ...c, apiKeyId: 'distiller' })),
    ];
    const r = historyDriftDetector(input({ calls: now, history }));
    expect(r.score).toBeGreaterThan(0.5);
    expect(r.implicatedKeyIds).toEqual(['distiller']);
  });
  it('needs a history to compare with', () => {
    expect(historyDriftDetector(input({ calls: harvest })).summary).toMatch(/Not enough/);
  });
});

describe('cross-organisation groups', () => {
  it('scores a large group sharing new prompts, not a pair (two teams on one public benchmark)', () => {
    const group = (size: number) => ({
      groupSize: size,
      sharedPrompts: 12,
      partners: [{ organizationId: 'org-2', sharedPrompts: 12 }],
    });
    expect(crossOrgClusterDetector(input({ calls: harvest, crossOrg: group(8) })).score).toBe(1);
    expect(crossOrgClusterDetector(input({ calls: harvest, crossOrg: group(2) })).score).toBe(0);
  });
  it("implicates the keys whose own prompts link it to the group, not an application's keys sharing with one customer", () => {
    const calls = [
      ...harvest.slice(0, 30).map((c, i) => ({ ...c, apiKeyId: 'shard', bands: [`h${i}`] })),
      ...support.slice(0, 30).map((c, i) => ({ ...c, apiKeyId: 'app', bands: [`s${i}`] })),
    ];
    const bandPartners = new Map<string, string[]>([
      ...range(30).map((i): [string, string[]] => [`h${i}`, [`org-${2 + (i % 5)}`]]),
      ...range(30).map((i): [string, string[]] => [`s${i}`, ['org-other-app']]),
    ]);
    const r = crossOrgClusterDetector(
      input({
        calls,
        crossOrg: {
          groupSize: 7,
          sharedPrompts: 30,
          partners: [{ organizationId: 'org-2', sharedPrompts: 30 }],
          bandPartners,
        },
      }),
    );
    expect(r.score).toBe(1);
    expect(r.implicatedKeyIds).toEqual(['shard']);
  });
});

describe('population drift (MMD against the other organisations)', () => {
  it('compares with a label-blind sample of the others and explains how alike its calls are', () => {
    const r = populationDriftDetector(input({ calls: harvest, population: support }));
    expect(r.score).toBeGreaterThan(0);
    expect(r.metrics.pValue).toBeLessThanOrEqual(0.02);
    expect(r.metrics.selfSimilarity).toBeLessThan(r.metrics.populationSelfSimilarity as number);
    expect(r.summary).toMatch(/other organisations/);
    expect(r.implicatedKeyIds ?? []).toEqual([]);
  });
  it('stays quiet when it sends what the population sends, and without enough of either', () => {
    expect(populationDriftDetector(input({ calls: support, population: support })).score).toBe(0);
    expect(populationDriftDetector(input({ calls: harvest, population: [] })).score).toBe(0);
  });
});
