/**
 * `npm run eval:detection`: replays labelled traffic built from REAL prompt text (the corpus in
 * ../shared/data/prompts, read at run time) through the real gateway, audit worker and detection
 * worker, in simulated time, and prints precision and recall per organisation and per key, time
 * to detect, suspensions of benign organisations, and an ablation (each detector off).
 *
 * Env: EVAL_SPLIT = heldout (default; what docs/detection.md reports, seeds 21,22,23, run once at
 * the end) | dev (what is developed and tuned on; seed 1 by default); EVAL_SEEDS; EVAL_HOURS (default 48); EVAL_TICK_MINUTES (default 10);
 * EVAL_MERGE=a.json,b.json merges runs of separate processes (one seed each, side by side).
 * Without the corpus it prints why and exits 0.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ablate } from './traffic/ablation';
import { CORPUS_MISSING, loadCorpus } from './traffic/corpus';
import type { Split } from './traffic/corpus-split';
import { type EvalOrg, startEvalStack } from './traffic/eval-stack';
import {
  addConfusion,
  orgTable,
  type OrgOutcome,
  SUMMARY_HEADER,
  summaryRow,
  type Tally,
  tally,
} from './traffic/metrics';
import { awaitAudit, liveCases, runDetection, sendCalls, type SendTally } from './traffic/replay';
import { buildScenario } from './traffic/scenario';

const SPLIT = (process.env.EVAL_SPLIT ?? 'heldout') as Split;
/** The held-out seeds are part of the held-out definition (scripts/traffic/corpus-split.ts). */
const HELDOUT_SEEDS = '21,22,23';
const SEEDS = (process.env.EVAL_SEEDS ?? (SPLIT === 'heldout' ? HELDOUT_SEEDS : '1'))
  .split(',')
  .map(Number);
const HOURS = Number(process.env.EVAL_HOURS ?? 48);
const TICK = Number(process.env.EVAL_TICK_MINUTES ?? 10) * 60_000;

const fresh = (o: EvalOrg, calls = 0): OrgOutcome => ({
  scenario: o.scenario,
  firstDetectedAt: null,
  keysDetectedAt: new Map(),
  peakScore: 0,
  drivers: [],
  suspended: false,
  calls,
});

async function replaySeed(records: NonNullable<ReturnType<typeof loadCorpus>>, seed: number) {
  const t0 = performance.now();
  const scenario = buildScenario(records, SPLIT, seed, HOURS);
  const lengths = new Map<string, number>();
  for (const c of scenario.calls)
    lengths.set(c.body.messages[c.body.messages.length - 1].content, c.naturalTokens);
  const stack = await startEvalStack(scenario.orgs, (last) => lengths.get(last));
  try {
    const byId = new Map([...stack.orgs.values()].map((o) => [o.id, o]));
    const callsPerOrg = new Map<string, number>();
    for (const c of scenario.calls) callsPerOrg.set(c.org, (callsPerOrg.get(c.org) ?? 0) + 1);
    const outcomes = new Map(
      [...stack.orgs.values()].map((o) => [o.id, fresh(o, callsPerOrg.get(o.scenario.name) ?? 0)]),
    );
    const sent: SendTally = { served: 0, refused: new Map(), errors: 0 };
    let cursor = 0;
    for (let tickEnd = scenario.start + TICK; tickEnd <= scenario.end; tickEnd += TICK) {
      const batch = [];
      while (cursor < scenario.calls.length && scenario.calls[cursor].at <= tickEnd)
        batch.push(scenario.calls[cursor++]);
      await sendCalls(stack, batch, sent);
      await awaitAudit(stack, sent.served);
      await runDetection(stack, tickEnd);
      // The reviewer's queue: cases only. Nothing in the product or here suspends an organisation.
      for (const c of await liveCases(stack)) {
        const o = outcomes.get(c.organizationId)!;
        const org = byId.get(c.organizationId)!;
        o.firstDetectedAt ??= tickEnd;
        o.peakScore = Math.max(o.peakScore, c.riskScore);
        o.drivers = [...new Set([...o.drivers, ...c.drivers])];
        for (const k of c.flaggedKeys) {
          const idx = org.keyIds.indexOf(k.apiKeyId);
          if (idx >= 0 && !o.keysDetectedAt.has(idx)) o.keysDetectedAt.set(idx, tickEnd);
        }
      }
      if (((tickEnd - scenario.start) / TICK) % 36 === 0) {
        process.stderr.write(
          `  seed ${seed}: simulated ${new Date(tickEnd).toISOString().slice(0, 16)} UTC, ${sent.served} served\n`,
        );
      }
    }
    const suspended: { organization_id: string }[] = await stack.db.query(
      `SELECT DISTINCT organization_id FROM organization_suspensions`,
    );
    for (const s of suspended) {
      const o = outcomes.get(s.organization_id);
      if (o) o.suspended = true;
    }
    const ablations = await ablate(stack.db, [...stack.orgs.values()], (o) => fresh(o));
    const wall = (performance.now() - t0) / 1000;
    const refused = [...sent.refused].map(([s, n]) => `${n}×${s}`).join(', ') || 'none';
    const note = `Seed ${seed}: ${scenario.calls.length} calls replayed, ${sent.served} served and audited, refused ${refused}, transport errors ${sent.errors}; wall time ${wall.toFixed(0)} s.`;
    return { outcomes: [...outcomes.values()], ablations, note };
  } finally {
    await stack.close();
  }
}

const sum = (ts: Tally[]): Tally =>
  ts.reduce((a, b) => ({
    org: addConfusion(a.org, b.org),
    key: addConfusion(a.key, b.key),
    ttdCareful: [...a.ttdCareful, ...b.ttdCareful],
    ttdStealth: [...a.ttdStealth, ...b.ttdStealth],
    ttdBlatant: [...a.ttdBlatant, ...b.ttdBlatant],
    benignSuspended: a.benignSuspended + b.benignSuspended,
  }));

interface SeedsDump {
  split: string;
  seeds: number[];
  perSeed: Tally[];
  ablation: [string, Tally[]][];
  lines: string[];
  notes: string[];
}

function report(d: SeedsDump): string {
  return [
    `## Split: ${d.split} (${d.seeds.length} seeds, ${HOURS} simulated hours, detection every ${TICK / 60_000} simulated minutes)`,
    '',
    ...SUMMARY_HEADER,
    ...d.perSeed.map((t, i) => summaryRow(`seed ${d.seeds[i]}`, t)),
    summaryRow('**all seeds**', sum(d.perSeed)),
    '',
    '### Ablation (all seeds, re-scored from stored per-detector verdicts with one detector off)',
    '',
    ...SUMMARY_HEADER.map((l) => l.replace('| run |', '| detector off |')),
    ...d.ablation.map(([off, ts]) => summaryRow(off, sum(ts))),
    ...d.lines,
    '',
    ...d.notes,
  ].join('\n');
}

/**
 * EVAL_MERGE=a.json,b.json: one report from seeds replayed by separate processes (each writes
 * .velvet/eval-detection-<split>-seeds-<seeds>.json), so seeds can run side by side.
 */
function merge(files: string[]): void {
  const dumps = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as SeedsDump);
  const ablation = new Map<string, Tally[]>();
  for (const d of dumps)
    for (const [off, ts] of d.ablation) ablation.set(off, [...(ablation.get(off) ?? []), ...ts]);
  const out = report({
    split: dumps[0].split,
    seeds: dumps.flatMap((d) => d.seeds),
    perSeed: dumps.flatMap((d) => d.perSeed),
    ablation: [...ablation],
    lines: dumps.flatMap((d) => d.lines),
    notes: dumps.flatMap((d) => d.notes),
  });
  console.log(out);
  writeFileSync(`.velvet/eval-detection-${dumps[0].split}.md`, `${out}\n`);
}

async function main() {
  if (process.env.EVAL_MERGE) return merge(process.env.EVAL_MERGE.split(','));
  const records = loadCorpus();
  if (!records) {
    console.log(CORPUS_MISSING);
    return;
  }
  const perSeed: Tally[] = [];
  const ablation = new Map<string, Tally[]>();
  const lines: string[] = [];
  const notes: string[] = [];
  for (const seed of SEEDS) {
    const r = await replaySeed(records, seed);
    perSeed.push(tally(r.outcomes));
    for (const [off, outcomes] of r.ablations)
      ablation.set(off, [...(ablation.get(off) ?? []), tally(outcomes)]);
    lines.push('', `### Seed ${seed}`, '', ...orgTable(r.outcomes));
    notes.push(r.note);
  }
  const dump: SeedsDump = {
    split: SPLIT,
    seeds: SEEDS,
    perSeed,
    ablation: [...ablation],
    lines,
    notes,
  };
  const out = report(dump);
  console.log(out);
  mkdirSync('.velvet', { recursive: true });
  writeFileSync(
    `.velvet/eval-detection-${SPLIT}-seeds-${SEEDS.join('-')}.json`,
    JSON.stringify(dump),
  );
  writeFileSync(`.velvet/eval-detection-${SPLIT}.md`, `${out}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
