import { DEFAULT_THRESHOLDS } from '../detection.config';
import { PROMPT_CLUSTER_CAP } from '../features/minhash-similarity';
import { call, context, diversePrompt, orgWindow } from '../testing/call-fixtures';
import type { DetectorInput } from './detector';
import { promptDiversityDetector, templatedPromptsDetector } from './prompt-shape.detectors';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const input = (
  calls: ReturnType<typeof call>[],
  thresholds = DEFAULT_THRESHOLDS,
): DetectorInput => ({ window: orgWindow(calls), context: context(), thresholds });

describe('prompt-shape detectors on a large window', () => {
  // One template enumerated over a slot, every call a new prompt.
  const templated = range(PROMPT_CLUSTER_CAP + 500).map((i) =>
    call({
      prompt: `Write a detailed encyclopedia entry about entity${i} covering history, uses, and notable facts in depth`,
    }),
  );

  it('clusters a large window of few templates in full', () => {
    const window = input(templated);
    const diversity = promptDiversityDetector(window);
    const templates = templatedPromptsDetector(window);
    expect(diversity.metrics).toMatchObject({ calls: templated.length, clusters: 1 });
    expect(diversity.metrics).not.toHaveProperty('clustersCountedOver');
    expect(diversity.score).toBe(0);
    // All but the template's leader enumerate it.
    expect(templates.metrics.enumeratedCalls).toBe(templated.length - 1);
    expect(templates.metrics.share).toBe(1);
    expect(templates.score).toBeGreaterThan(0.8);
  });

  it('counts clusters on an even sample once the window has more than the cap, and says so', () => {
    const diverse = range(PROMPT_CLUSTER_CAP + 300).map((i) => call({ prompt: diversePrompt(i) }));
    const diversity = promptDiversityDetector(input(diverse));
    expect(diversity.metrics.clustersCountedOver).toBe(PROMPT_CLUSTER_CAP);
    expect(diversity.summary).toContain(
      `in an even sample of ${PROMPT_CLUSTER_CAP} of ${diverse.length} calls`,
    );
    expect(diversity.metrics.clusterRatio).toBeGreaterThan(0.9);
    expect(diversity.score).toBeGreaterThan(0.8);
  });

  it('counts a campaign of many templates, each filled a few times, over the whole window', () => {
    // 150 templates interleaved, each filled 17 times: one call in ten holds too few of any one
    // template to make a family, yet every call but the leaders is an enumeration.
    const templates = 150;
    const fills = 17;
    const campaign = range(templates * fills).map((i) =>
      call({
        prompt: `${diversePrompt(i % templates)} then summarise record number ${Math.floor(i / templates)}`,
      }),
    );
    expect(campaign.length).toBeGreaterThan(PROMPT_CLUSTER_CAP);
    const found = templatedPromptsDetector(input(campaign));
    expect(found.metrics.templateFamilies).toBe(templates);
    expect(found.metrics.enumeratedCalls).toBe(templates * (fills - 1));
    expect(found.score).toBeGreaterThan(0.8);
  });

  it('clusters the same window again under another similarity threshold', () => {
    const window = input(templated.slice(0, 60));
    const loose = templatedPromptsDetector(window);
    const strict = templatedPromptsDetector({
      ...window,
      thresholds: { ...DEFAULT_THRESHOLDS, clusterSimilarity: 1 },
    });
    expect(loose.metrics.templateFamilies).toBe(1);
    expect(strict.metrics.templateFamilies).toBe(0);
    expect(templatedPromptsDetector(window)).toEqual(loose);
  });
});
