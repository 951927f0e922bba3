import { batchSummarisation, codingAssistant, rag, supportBot, triageClassifier } from './benign-workloads';
import { logprobHarvest, lowAndSlow, selfInstruct, templateEnumeration } from './campaign-workloads';
import { naturalLength, promptTokens } from './completion-length';
import { HOUR } from './random';
import type { OrgScenario, Scenario, TrafficCall, Workload } from './traffic.types';

/** A Monday, so office hours mean something; simulated, far from the wall clock on purpose. */
export const SIM_DAY = Date.UTC(2026, 2, 2);

interface Spec {
  name: string;
  workload: Workload;
  keys: number;
  /** Campaign window in simulated hours from the start (day 1 is warm-up, campaigns run on day 2); none for benign organisations. */
  campaign?: { from: number; to: number; keys: number[] };
  /** Benign traffic of the organisation (a mixed organisation has both). */
  benign?: (org: string, seed: number, from: number, to: number) => TrafficCall[];
  /** Contract baseline relative to the organisation's benign average (campaign orgs: an absolute figure). */
  baseline: number | { tokensPerHour: number };
}

const SPECS: Spec[] = [
  { name: 'northwind-support', workload: 'support_bot', keys: 2, benign: (o, s, f, t) => supportBot(o, s, f, t, { keys: 2 }), baseline: 1.2 },
  { name: 'globex-support', workload: 'support_bot', keys: 3, benign: (o, s, f, t) => supportBot(o, s, f, t, { keys: 3, utcOffset: 1, spikeAt: SIM_DAY + 36 * HOUR }), baseline: 1.0 },
  { name: 'kyoto-support', workload: 'support_bot', keys: 2, benign: (o, s, f, t) => supportBot(o, s, f, t, { keys: 2, utcOffset: 9 }), baseline: 1.5 },
  { name: 'initech-rag', workload: 'rag', keys: 3, benign: (o, s, f, t) => rag(o, s, f, t, { keys: 3 }), baseline: 1.1 },
  { name: 'umbrella-rag', workload: 'rag', keys: 2, benign: (o, s, f, t) => rag(o, s, f, t, { keys: 2, utcOffset: 2 }), baseline: 0.9 },
  { name: 'hooli-code', workload: 'coding_assistant', keys: 20, benign: (o, s, f, t) => codingAssistant(o, s, f, t, { keys: 20 }), baseline: 1.2 },
  { name: 'piedpiper-code', workload: 'coding_assistant', keys: 12, benign: (o, s, f, t) => codingAssistant(o, s, f, t, { keys: 12, utcOffset: -8 }), baseline: 1.0 },
  { name: 'stark-batch', workload: 'batch_summarisation', keys: 1, benign: batchSummarisation, baseline: 1.0 },
  { name: 'wayne-batch', workload: 'batch_summarisation', keys: 1, benign: batchSummarisation, baseline: 1.3 },
  { name: 'acme-triage', workload: 'triage_classifier', keys: 1, benign: triageClassifier, baseline: 1.1 },
  { name: 'cyberdyne-instruct', workload: 'self_instruct', keys: 1, campaign: { from: 34.5, to: 37.5, keys: [0] }, baseline: { tokensPerHour: 40_000 } },
  { name: 'weyland-instruct', workload: 'self_instruct', keys: 2, campaign: { from: 43, to: 46, keys: [1] }, benign: (o, s, f, t) => supportBot(o, s, f, t, { keys: 1 }), baseline: 1.2 },
  { name: 'tyrell-logprobs', workload: 'logprob_harvest', keys: 1, campaign: { from: 26, to: 29, keys: [0] }, baseline: { tokensPerHour: 60_000 } },
  { name: 'oscorp-lowslow', workload: 'low_and_slow', keys: 16, campaign: { from: 24, to: 48, keys: Array.from({ length: 16 }, (_, i) => i) }, baseline: { tokensPerHour: 150_000 } },
  { name: 'massive-templates', workload: 'template_enumeration', keys: 1, campaign: { from: 39, to: 41.5, keys: [0] }, baseline: { tokensPerHour: 50_000 } },
  { name: 'vandelay-mixed', workload: 'template_enumeration', keys: 4, campaign: { from: 45, to: 47, keys: [3] }, benign: (o, s, f, t) => supportBot(o, s, f, t, { keys: 3 }), baseline: 1.2 },
];

const CAMPAIGNS: Partial<Record<Workload, typeof selfInstruct>> = {
  self_instruct: selfInstruct,
  logprob_harvest: logprobHarvest,
  low_and_slow: lowAndSlow,
  template_enumeration: templateEnumeration,
};

const tokensOf = (c: TrafficCall) => {
  const prompt = c.body.messages.map((m) => m.content).join('\n');
  return promptTokens(prompt) + Math.min(naturalLength(prompt), c.body.max_tokens) * (c.body.n ?? 1);
};

/**
 * The labelled population: who does what, when, and the calls it makes. Two simulated days: the
 * first gives every organisation a day of its own history; the campaigns run on the second.
 */
export function buildScenario(seed: number, hours = 48): Scenario {
  const start = SIM_DAY;
  const end = SIM_DAY + hours * HOUR;
  const orgs: OrgScenario[] = [];
  const calls: TrafficCall[] = [];
  SPECS.forEach((spec, i) => {
    const s = seed * 1000 + i * 17;
    const benign = spec.benign ? spec.benign(spec.name, s, start, end) : [];
    const campaignCalls: TrafficCall[] = [];
    let campaignStart: number | null = null;
    if (spec.campaign) {
      campaignStart = start + spec.campaign.from * HOUR;
      const to = Math.min(end, start + spec.campaign.to * HOUR);
      if (campaignStart < end) campaignCalls.push(...CAMPAIGNS[spec.workload]!(spec.name, s + 1, campaignStart, to, spec.campaign.keys));
      else campaignStart = null;
    }
    const benignTokensPerHour = benign.reduce((sum, c) => sum + tokensOf(c), 0) / hours;
    const baselineTokensPerHour = typeof spec.baseline === 'number' ? Math.max(1000, benignTokensPerHour * spec.baseline) : spec.baseline.tokensPerHour;
    orgs.push({
      name: spec.name,
      workload: spec.workload,
      keys: spec.keys,
      campaignKeys: campaignStart === null ? [] : (spec.campaign?.keys ?? []),
      campaignStart,
      baselineTokensPerHour,
    });
    calls.push(...benign, ...campaignCalls);
  });
  calls.sort((a, b) => a.at - b.at);
  return { start, end, orgs, calls };
}
