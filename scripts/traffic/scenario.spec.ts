import { naturalCompletionTokens } from './completion-length';
import { CORPUS_MISSING, loadCorpus } from './corpus';
import { splitOf } from './corpus-split';
import { buildScenario } from './scenario';

const records = loadCorpus();
// The corpus lives beside the repository, never in it: without it there is nothing to check.
if (!records) console.warn(`scenario.spec: skipped. ${CORPUS_MISSING}`);
const withCorpus = records ? describe : describe.skip;

withCorpus('buildScenario (real prompt corpus)', () => {
  // a skipped describe still runs its body: nothing here may need the corpus before a test runs
  const corpus = records ?? [];
  let a: ReturnType<typeof buildScenario>;
  beforeAll(() => {
    a = buildScenario(corpus, 'dev', 1, 30);
  });

  it('is reproducible from its seed and labels every campaign shape', () => {
    const again = buildScenario(corpus, 'dev', 1, 30);
    expect(again.calls.length).toBe(a.calls.length);
    expect(again.calls.slice(0, 50)).toEqual(a.calls.slice(0, 50));
    expect(buildScenario(corpus, 'dev', 2, 30).calls.length).not.toBe(a.calls.length);
    for (let i = 1; i < a.calls.length; i++)
      expect(a.calls[i].at).toBeGreaterThanOrEqual(a.calls[i - 1].at);
    const full = buildScenario(corpus, 'dev', 1, 48);
    expect(
      new Set(full.orgs.filter((o) => o.campaignStart !== null).map((o) => o.workload)),
    ).toEqual(
      new Set([
        'careful_distiller',
        'low_and_slow',
        'rephrasing_distiller',
        'mixed_distiller',
        'hydra_account',
        'logprob_harvest',
        'cot_multi_sample',
      ]),
    );
  });

  it('never lets a simulated property depend on the label: the same text gets the same answer length from anyone', () => {
    const byText = new Map<string, number>();
    for (const c of [...a.calls, ...buildScenario(corpus, 'dev', 3, 30).calls]) {
      const last = c.body.messages[c.body.messages.length - 1].content;
      const seen = byText.get(last);
      if (seen !== undefined) expect(c.naturalTokens).toBe(seen);
      byText.set(last, c.naturalTokens);
    }
    // The length function takes no label at all; a reference answer sets it where the source has one.
    expect(
      naturalCompletionTokens(
        { text: 'q', source: 's', kind: 'benchmark_item', reference: 'x'.repeat(400) },
        'q',
      ),
    ).toBe(100);
  });

  it('uses only the split it is built for (split by source)', () => {
    const heldoutTexts = new Set(corpus.filter((r) => splitOf(r) === 'heldout').map((r) => r.text));
    const tuneTexts = new Set(corpus.filter((r) => splitOf(r) === 'dev').map((r) => r.text));
    const leaked = a.calls.filter((c) =>
      c.body.messages.some((m) => heldoutTexts.has(m.content) && !tuneTexts.has(m.content)),
    );
    expect(leaked).toHaveLength(0);
    const sources = (s: 'dev' | 'heldout') =>
      new Set(
        corpus.filter((r) => r.kind !== 'code_task' && splitOf(r) === s).map((r) => r.source),
      );
    for (const s of sources('dev')) expect(sources('heldout').has(s)).toBe(false);
  });
});
