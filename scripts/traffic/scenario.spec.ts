import { buildScenario } from './scenario';

describe('buildScenario', () => {
  it('is reproducible from its seed and labels every campaign', () => {
    const a = buildScenario(1);
    const b = buildScenario(1);
    expect(a.calls.length).toBe(b.calls.length);
    expect(a.calls.slice(0, 50)).toEqual(b.calls.slice(0, 50));
    expect(buildScenario(2).calls.length).not.toBe(a.calls.length);
    const campaigns = a.orgs.filter((o) => o.campaignStart !== null);
    expect(campaigns.map((o) => o.workload).sort()).toEqual(
      expect.arrayContaining(['logprob_harvest', 'low_and_slow', 'self_instruct', 'template_enumeration']),
    );
    for (let i = 1; i < a.calls.length; i++) expect(a.calls[i].at).toBeGreaterThanOrEqual(a.calls[i - 1].at);
    if (process.env.SCENARIO_STATS) {
      const by = new Map<string, number>();
      for (const c of a.calls) by.set(c.org, (by.get(c.org) ?? 0) + 1);
      console.log(a.calls.length, [...by], a.orgs.map((o) => [o.name, Math.round(o.baselineTokensPerHour)]));
    }
  });
});
