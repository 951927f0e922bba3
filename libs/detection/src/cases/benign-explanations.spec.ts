import type { HorizonCall } from '../features/call-feature';
import type { RiskAssessment } from '../scoring/risk-combiner';
import { START } from '../testing/call-fixtures';
import { benignExplanations } from './benign-explanations';

const MIN = 60_000;
const bare = (at: number): HorizonCall => ({
  apiKeyId: 'key-1',
  occurredAt: new Date(at),
  novel: true,
  templated: false,
  flags: ['single_turn'],
  defaultParams: true,
  inputTokens: 40,
  outputTokens: 300,
  promptMinhash: [],
});
const org = { detectors: [] } as unknown as RiskAssessment;
const SCRIPT = /script or notebook/;

describe('benign explanations', () => {
  it('offers a script run a few times when the bare calls come in a few short runs', () => {
    const runs = [0, 70, 200].flatMap((m) =>
      Array.from({ length: 10 }, (_, i) => bare(START + m * MIN + i * 8_000)),
    );
    const script = benignExplanations(org, runs).find((e) => SCRIPT.test(e.explanation));
    expect(script?.for[0]).toMatch(/30 bare default-parameter calls .* in 3 run\(s\)/);
  });
  it('does not for a steady stream of sessions', () => {
    const stream = Array.from({ length: 40 }, (_, i) => bare(START + i * 6 * MIN));
    expect(benignExplanations(org, stream).some((e) => SCRIPT.test(e.explanation))).toBe(false);
  });
});
