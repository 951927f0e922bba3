/**
 * `npm run eval:detection`: replays a labelled day of synthetic premium traffic (benign enterprise
 * workloads and distillation campaigns, scripts/traffic) through the real gateway into the real
 * audit pipeline and detection jobs, in simulated time, and prints precision, recall and
 * false-positive rate per organisation and per key, and the time to detect each campaign.
 * Env: EVAL_SEED (default 2), EVAL_HOURS (default 48), EVAL_TICK_MINUTES (default 5).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startEvalStack } from './traffic/eval-stack';
import { type OrgOutcome, report } from './traffic/metrics';
import { awaitAudit, type CaseView, liveCases, allCases, runDetection, sendCalls, type SendTally, suspendAndProbe } from './traffic/replay';
import { buildScenario } from './traffic/scenario';

const SEED = Number(process.env.EVAL_SEED ?? 2);
const HOURS = Number(process.env.EVAL_HOURS ?? 48);
const TICK = Number(process.env.EVAL_TICK_MINUTES ?? 5) * 60_000;
/** The simulated reviewer suspends premium access once a case has kept alerting for this long (simulated). */
const SUSPEND_AFTER_MS = 15 * 60_000;

async function main() {
  const t0 = performance.now();
  const scenario = buildScenario(SEED, HOURS);
  const stack = await startEvalStack(scenario.orgs);
  const byId = new Map([...stack.orgs.values()].map((o) => [o.id, o]));
  const outcomes = new Map<string, OrgOutcome>(
    [...stack.orgs.values()].map((o) => [o.id, { scenario: o.scenario, flagged: false, firstDetectedAt: null, peakScore: 0, maxWindowRisk: 0, drivers: [], suspended: false, flaggedKeys: new Map(), calls: 0 }]),
  );
  for (const c of scenario.calls) outcomes.get(stack.orgs.get(c.org)!.id)!.calls++;
  const tally: SendTally = { served: 0, refused: new Map(), errors: 0 };
  const enforcementMs: number[] = [];
  let cursor = 0;
  try {
    for (let tickEnd = scenario.start + TICK; tickEnd <= scenario.end; tickEnd += TICK) {
      const batch: typeof scenario.calls = [];
      while (cursor < scenario.calls.length && scenario.calls[cursor].at <= tickEnd) batch.push(scenario.calls[cursor++]);
      await sendCalls(stack, batch, tally);
      await awaitAudit(stack, tally.served);
      await runDetection(stack, tickEnd);
      for (const c of await liveCases(stack)) {
        const o = outcomes.get(c.organizationId)!;
        o.flagged = true;
        o.firstDetectedAt ??= tickEnd;
        o.peakScore = Math.max(o.peakScore, c.riskScore);
        o.drivers = [...new Set([...o.drivers, ...c.drivers])];
        const org = byId.get(c.organizationId)!;
        for (const k of c.flaggedKeys) {
          const idx = org.keyIds.indexOf(k.apiKeyId);
          if (!o.flaggedKeys.has(idx)) o.flaggedKeys.set(idx, tickEnd);
        }
        const persisted = Date.parse(c.lastDetectedAt) - Date.parse(c.firstDetectedAt) >= SUSPEND_AFTER_MS;
        if (persisted && !o.suspended) {
          o.suspended = true;
          enforcementMs.push(await suspendAndProbe(stack, c as CaseView, org.keys[org.scenario.campaignKeys[0] ?? 0]));
        }
      }
      if (((tickEnd - scenario.start) / TICK) % 24 === 0) {
        process.stderr.write(`  simulated ${new Date(tickEnd).toISOString().slice(11, 16)} UTC: ${tally.served} served, ${(await allCases(stack)).length} cases\n`);
      }
    }
    const maxima: { organization_id: string; max: number }[] = await stack.db.query(
      `SELECT organization_id, max(score) AS max FROM detection_risk_scores WHERE subject_type = 'organization' GROUP BY organization_id`,
    );
    for (const m of maxima) {
      const o = outcomes.get(m.organization_id);
      if (o) o.maxWindowRisk = Number(m.max);
    }
    const refused = [...tally.refused].map(([s, n]) => `${n}×${s}`).join(', ') || 'none';
    const wall = (performance.now() - t0) / 1000;
    const extra = [
      `Seed ${SEED}, ${HOURS} simulated hours, detection every ${TICK / 60_000} simulated minutes over a 20-minute window; ` +
        `${scenario.calls.length} calls replayed, ${tally.served} served and audited, refused: ${refused}, transport errors: ${tally.errors}; wall time ${wall.toFixed(0)} s.`,
      enforcementMs.length
        ? `Suspensions by the simulated reviewer (a case still alerting ${SUSPEND_AFTER_MS / 60_000} simulated minutes after it opened): ${enforcementMs.length}; suspend -> gateway refuses that organisation's premium calls after: ${enforcementMs.map((m) => `${m.toFixed(0)} ms`).join(', ')}.`
        : 'No suspensions.',
    ];
    const table = report([...outcomes.values()], extra);
    console.log(table);
    mkdirSync('.velvet', { recursive: true });
    writeFileSync(`.velvet/eval-detection-seed${SEED}.md`, `${table}\n`);
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
