import type { OrgScenario } from './traffic.types';

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const precision = (c: Confusion) => (c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1);
export const recall = (c: Confusion) => (c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1);

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

export const addConfusion = (a: Confusion, b: Confusion): Confusion => ({
  tp: a.tp + b.tp,
  fp: a.fp + b.fp,
  fn: a.fn + b.fn,
  tn: a.tn + b.tn,
});

/** What one organisation's replay came to: first detection of the organisation and of each key. */
export interface OrgOutcome {
  scenario: OrgScenario;
  /** Simulated ms of the first detection (a case opened or refreshed), null if never. */
  firstDetectedAt: number | null;
  /** Key index -> first detection (ms). */
  keysDetectedAt: Map<number, number>;
  peakScore: number;
  drivers: string[];
  suspended: boolean;
  calls: number;
}

export interface Tally {
  org: Confusion;
  key: Confusion;
  /** Minutes from campaign start to first detection, per campaign organisation detected: careful distillers, */
  ttdCareful: number[];
  /** the other quiet campaigns (low and slow, rephrasing, mixed, hydra), */
  ttdStealth: number[];
  /** and the blatant ones. */
  ttdBlatant: number[];
  benignSuspended: number;
}

export function tally(outcomes: readonly OrgOutcome[]): Tally {
  const org = confusion(
    outcomes.map((o) => ({
      positive: o.scenario.campaignStart !== null,
      flagged: o.firstDetectedAt !== null,
    })),
  );
  const key = confusion(
    outcomes.flatMap((o) =>
      Array.from({ length: o.scenario.keys }, (_, k) => ({
        positive: o.scenario.campaignStart !== null && o.scenario.campaignKeys.includes(k),
        flagged: o.keysDetectedAt.has(k),
      })),
    ),
  );
  const ttd = (which: (s: OrgScenario) => boolean) =>
    outcomes
      .filter(
        (o) => o.scenario.campaignStart !== null && which(o.scenario) && o.firstDetectedAt !== null,
      )
      .map((o) => (o.firstDetectedAt! - o.scenario.campaignStart!) / 60_000);
  return {
    org,
    key,
    ttdCareful: ttd((s) => s.workload === 'careful_distiller'),
    ttdStealth: ttd((s) => !s.blatant && s.workload !== 'careful_distiller'),
    ttdBlatant: ttd((s) => s.blatant),
    benignSuspended: outcomes.filter((o) => o.scenario.campaignStart === null && o.suspended)
      .length,
  };
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const f3 = (x: number) => x.toFixed(3);
const mins = (x: number | null) => (x === null ? '—' : `${x.toFixed(0)} min`);

export function summaryRow(label: string, t: Tally): string {
  return `| ${label} | ${f3(precision(t.org))} | ${f3(recall(t.org))} | ${t.org.tp}/${t.org.fp}/${t.org.fn}/${t.org.tn} | ${f3(precision(t.key))} | ${f3(recall(t.key))} | ${t.key.tp}/${t.key.fp}/${t.key.fn}/${t.key.tn} | ${mins(median(t.ttdCareful))} | ${mins(median(t.ttdStealth))} | ${mins(median(t.ttdBlatant))} | ${t.benignSuspended} |`;
}

export const SUMMARY_HEADER = [
  '| run | org precision | org recall | org TP/FP/FN/TN | key precision | key recall | key TP/FP/FN/TN | median TTD, careful distiller | median TTD, other quiet campaigns | median TTD, blatant | benign suspended |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];

/** Per-organisation detail of one seed. */
export function orgTable(outcomes: readonly OrgOutcome[]): string[] {
  const lines = [
    '| organisation | workload | label | calls | detected | time to detect | campaign keys flagged | other keys flagged | peak risk | drivers |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const o of outcomes) {
    const s = o.scenario;
    const positive = s.campaignStart !== null;
    const ttd =
      positive && o.firstDetectedAt !== null
        ? mins((o.firstDetectedAt - s.campaignStart!) / 60_000)
        : o.firstDetectedAt !== null
          ? 'false alarm'
          : positive
            ? 'missed'
            : '—';
    const campaignKeys = positive
      ? `${s.campaignKeys.filter((k) => o.keysDetectedAt.has(k)).length} / ${s.campaignKeys.length}`
      : '—';
    const others = [...o.keysDetectedAt.keys()].filter(
      (k) => !positive || !s.campaignKeys.includes(k),
    ).length;
    lines.push(
      `| ${s.name} | ${s.workload} | ${positive ? (s.blatant ? 'campaign (blatant)' : 'campaign') : 'benign'} | ${o.calls} | ${o.firstDetectedAt !== null ? 'yes' : 'no'} | ${ttd} | ${campaignKeys} | ${others} | ${o.peakScore.toFixed(3)} | ${o.drivers.join(', ') || '—'} |`,
    );
  }
  return lines;
}
