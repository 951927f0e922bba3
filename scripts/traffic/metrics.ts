import type { OrgScenario } from './traffic.types';

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const precision = (c: Confusion) => (c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1);
export const recall = (c: Confusion) => (c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1);
export const falsePositiveRate = (c: Confusion) => (c.fp + c.tn ? c.fp / (c.fp + c.tn) : 0);

export function confusion(items: { positive: boolean; flagged: boolean }[]): Confusion {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const i of items) {
    if (i.positive && i.flagged) c.tp++;
    else if (!i.positive && i.flagged) c.fp++;
    else if (i.positive) c.fn++;
    else c.tn++;
  }
  return c;
}

export interface OrgOutcome {
  scenario: OrgScenario;
  flagged: boolean;
  /** Simulated ms of the first detection run that opened or refreshed a case for it. */
  firstDetectedAt: number | null;
  peakScore: number;
  /** Highest organisation-level risk of any window, alerting or not: the margin to the threshold. */
  maxWindowRisk: number;
  drivers: string[];
  suspended: boolean;
  /** Keys: index -> first detection time (ms), for keys ever flagged. */
  flaggedKeys: Map<number, number>;
  calls: number;
}

const fmt = (x: number) => x.toFixed(3);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(0)} min`;

/** The tables docs/detection.md records, as Markdown. */
export function report(outcomes: OrgOutcome[], extra: string[]): string {
  const orgC = confusion(outcomes.map((o) => ({ positive: o.scenario.campaignStart !== null, flagged: o.flagged })));
  const keyItems = outcomes.flatMap((o) =>
    Array.from({ length: o.scenario.keys }, (_, k) => ({ positive: o.scenario.campaignKeys.includes(k), flagged: o.flaggedKeys.has(k) })),
  );
  const keyC = confusion(keyItems);
  const lines = [
    '| level | subjects | TP | FP | FN | TN | precision | recall | false-positive rate |',
    '|---|---|---|---|---|---|---|---|---|',
    `| organisation | ${outcomes.length} | ${orgC.tp} | ${orgC.fp} | ${orgC.fn} | ${orgC.tn} | ${fmt(precision(orgC))} | ${fmt(recall(orgC))} | ${fmt(falsePositiveRate(orgC))} |`,
    `| API key | ${keyItems.length} | ${keyC.tp} | ${keyC.fp} | ${keyC.fn} | ${keyC.tn} | ${fmt(precision(keyC))} | ${fmt(recall(keyC))} | ${fmt(falsePositiveRate(keyC))} |`,
    '',
    '| organisation | workload | label | calls | flagged | time to detect (org) | keys flagged / campaign keys | highest window risk | drivers | suspended |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const o of outcomes) {
    const s = o.scenario;
    const label = s.campaignStart === null ? 'benign' : s.campaignKeys.length < s.keys ? 'campaign (mixed org)' : 'campaign';
    const ttd = s.campaignStart !== null && o.firstDetectedAt !== null ? minutes(o.firstDetectedAt - s.campaignStart) : s.campaignStart !== null ? 'missed' : '—';
    const keyTimes = s.campaignKeys.map((k) => o.flaggedKeys.get(k)).filter((t): t is number => t !== undefined);
    const keysCol = s.campaignStart !== null ? `${keyTimes.length} / ${s.campaignKeys.length}` : `${o.flaggedKeys.size} / 0`;
    lines.push(
      `| ${s.name} | ${s.workload} | ${label} | ${o.calls} | ${o.flagged ? 'yes' : 'no'} | ${ttd} | ${keysCol} | ${fmt(Math.max(o.peakScore, o.maxWindowRisk))} | ${o.drivers.join(', ') || '—'} | ${o.suspended ? 'yes' : 'no'} |`,
    );
  }
  return [...lines, '', ...extra].join('\n');
}
