import fc from 'fast-check';
import { DEFAULT_THRESHOLDS } from '../detection.config';
import { DetectorName, type DetectorResult } from '../detectors/detector';
import { call, context, diversePrompt, START } from '../testing/call-fixtures';
import type { HorizonCall } from '../features/call-feature';
import { assessOrganization, type LiveCase } from './assess-organization';
import { combine } from './risk-combiner';

const NAMES = Object.values(DetectorName);
const results = (scores: number[]): DetectorResult[] =>
  NAMES.map((detector, i) => ({ detector, score: scores[i] ?? 0, summary: '', metrics: {} }));
const scoresArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
  minLength: NAMES.length,
  maxLength: NAMES.length,
});

describe('combine', () => {
  it('stays within 0..1 and never falls when one detector rises', () => {
    fc.assert(
      fc.property(
        scoresArb,
        fc.nat(NAMES.length - 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (scores, i, bump) => {
          const before = combine(results(scores), DEFAULT_THRESHOLDS, [], null).score;
          const raised = [...scores];
          raised[i] = Math.max(raised[i], bump);
          const after = combine(results(raised), DEFAULT_THRESHOLDS, [], null).score;
          expect(before).toBeGreaterThanOrEqual(0);
          expect(after).toBeLessThanOrEqual(1);
          expect(after).toBeGreaterThanOrEqual(before - 1e-9);
        },
      ),
    );
  });

  it('no single detector can raise an alert alone', () => {
    fc.assert(
      fc.property(fc.nat(NAMES.length - 1), (i) => {
        const scores = NAMES.map((_, j) => (j === i ? 1 : 0));
        expect(combine(results(scores), DEFAULT_THRESHOLDS, [], null).score).toBeLessThan(
          DEFAULT_THRESHOLDS.alertThreshold,
        );
      }),
    );
  });

  it('a suppression mutes the dismissed pattern, but not a clearly worse one', () => {
    const scores = NAMES.map((n) =>
      n === DetectorName.Volume || n === DetectorName.MachineCadence ? 0.6 : 0,
    );
    const suppression = {
      detector: DetectorName.Volume,
      apiKeyId: null,
      dismissedScore: 0.6,
      reason: 'launch week',
    };
    const muted = combine(results(scores), DEFAULT_THRESHOLDS, [suppression], null);
    expect(muted.detectors.find((d) => d.detector === DetectorName.Volume)?.suppressedBy).toBe(
      'launch week',
    );
    expect(muted.drivers).not.toContain(DetectorName.Volume);
    const worse = combine(
      results(scores.map((s, i) => (NAMES[i] === DetectorName.Volume ? 0.9 : s))),
      DEFAULT_THRESHOLDS,
      [suppression],
      null,
    );
    expect(worse.drivers).toContain(DetectorName.Volume);
    fc.assert(
      fc.property(scoresArb, (s) => {
        expect(
          combine(results(s), DEFAULT_THRESHOLDS, [suppression], null).score,
        ).toBeLessThanOrEqual(combine(results(s), DEFAULT_THRESHOLDS, [], null).score + 1e-9);
      }),
    );
  });
});

describe('assessOrganization', () => {
  it('flags a sharded self-instruct campaign and every key it used, with the evidence', () => {
    const calls = Array.from({ length: 96 }, (_, i) =>
      call({
        apiKeyId: `k${i % 12}`,
        prompt: `${diversePrompt(i)}. Think step by step.`,
        at: START + (i % 12) * 9_000 + Math.floor(i / 12) * 150_000,
        inputTokens: 40,
        outputTokens: 1024,
        maxTokens: 1024,
        finishReason: 'length',
      }),
    );
    const [org, ...keys] = assessOrganization({
      organizationId: 'org-1',
      windowStart: new Date(START),
      windowEnd: new Date(START + 20 * 60_000),
      calls,
      context: context({ contractBaselineTokensPerHour: 50_000 }),
      keyContexts: new Map(),
      suppressions: [],
    });
    expect(org.alert).toBe(true);
    expect(org.drivers).toEqual(
      expect.arrayContaining([DetectorName.KeySpread, DetectorName.MaxLengthOutputs]),
    );
    expect(keys).toHaveLength(12);
    expect(keys.every((k) => k.alert)).toBe(true);
    expect(keys[0].detectors.find((d) => d.detector === DetectorName.KeySpread)?.summary).toMatch(
      /^Organisation-level/,
    );
  });

  it('goes on attributing a live case to keys whose own traffic has its pattern, not to the application keys', () => {
    // The campaign's prompts are no longer new (its pool repeats), so the organisation no longer alerts;
    // a key that joined late sends the same bare default-parameter calls, an application key does not.
    const end = START + 6 * 3_600_000;
    const horizonCall = (apiKeyId: string, i: number, app: boolean): HorizonCall => ({
      apiKeyId,
      occurredAt: new Date(end - (i + 1) * 4 * 60_000),
      novel: false,
      templated: false,
      flags: app ? ['system_prompt'] : ['single_turn'],
      defaultParams: !app,
      inputTokens: 60,
      outputTokens: 300,
      promptMinhash: [],
    });
    const calls = [
      ...Array.from({ length: 60 }, (_, i) => horizonCall(`early-${i % 6}`, i, false)),
      ...[0, 1, 2].map((i) => horizonCall('late', i, false)),
      ...Array.from({ length: 10 }, (_, i) => horizonCall('app', i, true)),
    ];
    const assess = (liveCase: LiveCase | null) =>
      assessOrganization({
        organizationId: 'org-1',
        windowStart: new Date(end - 20 * 60_000),
        windowEnd: new Date(end),
        calls: [],
        context: context({ horizon: { hours: 6, calls, history: [], crossOrg: null } }),
        keyContexts: new Map(),
        suppressions: [],
        liveCase,
      });
    const [org, ...keys] = assess({
      riskScore: 0.9,
      drivers: [DetectorName.InstructionCoverage, DetectorName.ApplicationShape],
    });
    expect(org.alert).toBe(false);
    const late = keys.find((k) => k.subjectId === 'late')!;
    expect(late).toMatchObject({ alert: true, score: 0.9 });
    expect(late.drivers).toContain(DetectorName.ApplicationShape);
    expect(keys.find((k) => k.subjectId === 'app')).toBeUndefined();
    expect(
      assess(null)
        .slice(1)
        .some((k) => k.alert),
    ).toBe(false);
  });
});
