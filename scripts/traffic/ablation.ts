import { combine, DEFAULT_THRESHOLDS, DetectorName, type DetectorResult } from '@velvet/detection';
import type { DataSource } from 'typeorm';
import type { EvalOrg } from './eval-stack';
import type { OrgOutcome } from './metrics';

interface StoredDetector {
  detector: DetectorName;
  score: number;
  weight: number;
  suppressedBy?: string;
  implicatedKeyIds?: string[];
}
interface ScoreRow {
  subject_type: 'organization' | 'api_key';
  organization_id: string;
  api_key_id: string | null;
  window_end: Date;
  detectors: StoredDetector[];
}

/** The product's own combination (circumstantial cap included) over the stored verdicts. */
const noisyOr = (ds: StoredDetector[]) =>
  combine(
    ds.filter((d) => !d.suppressedBy) as unknown as DetectorResult[],
    DEFAULT_THRESHOLDS,
    [],
    null,
  ).score;

/**
 * Each detector switched off, re-scored from the per-detector verdicts every run stored
 * (detection_risk_scores.detectors): the same combination without it, the same alert threshold, and a
 * key flagged when its own score alerts, when the organisation alerts through a detector that
 * implicated it, or when a detector that drove the organisation's live case (its alerting windows
 * so far in this ablation, approximated as the union of their drivers) implicates it. Post hoc, so one replay gives every ablation (detectors do not feed each other).
 */
export async function ablate(
  db: DataSource,
  orgs: readonly EvalOrg[],
  template: (org: EvalOrg) => OrgOutcome,
): Promise<Map<string, OrgOutcome[]>> {
  const rows: ScoreRow[] = await db.query(
    `SELECT subject_type, organization_id, api_key_id, window_end, detectors FROM detection_risk_scores ORDER BY window_end`,
  );
  const byWindowOrg = new Map<string, ScoreRow>();
  for (const r of rows)
    if (r.subject_type === 'organization')
      byWindowOrg.set(`${r.organization_id}|${new Date(r.window_end).getTime()}`, r);
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const out = new Map<string, OrgOutcome[]>();
  const t = DEFAULT_THRESHOLDS.alertThreshold;
  for (const off of ['none', ...Object.values(DetectorName)]) {
    const outcomes = new Map(orgs.map((o) => [o.id, template(o)]));
    const keep = (ds: StoredDetector[]) => ds.filter((d) => d.detector !== off);
    // The live case of each organisation (nobody closes one here): its risk and the detectors that drove it.
    const cases = new Map<string, { risk: number; drivers: Set<DetectorName> }>();
    for (const r of rows) {
      const org = byId.get(r.organization_id);
      const o = outcomes.get(r.organization_id);
      if (!org || !o) continue;
      const at = new Date(r.window_end).getTime();
      const orgRow = byWindowOrg.get(`${r.organization_id}|${at}`);
      const orgDetectors = orgRow ? keep(orgRow.detectors) : [];
      const orgRisk = noisyOr(orgDetectors);
      const orgAlert = orgRisk >= t;
      const drives = (d: StoredDetector) => d.weight * d.score >= 0.1;
      if (r.subject_type === 'organization') {
        if (orgAlert) {
          o.firstDetectedAt ??= at;
          const c = cases.get(r.organization_id) ?? { risk: 0, drivers: new Set() };
          c.risk = orgRisk;
          for (const d of orgDetectors) if (drives(d)) c.drivers.add(d.detector);
          cases.set(r.organization_id, c);
        }
        continue;
      }
      const live = cases.get(r.organization_id);
      const keyAlert =
        noisyOr(
          keep(
            r.detectors.filter(
              (d) =>
                !String((d as { summary?: string }).summary ?? '').startsWith('Organisation-level'),
            ),
          ),
        ) >= t;
      const implicates = (d: StoredDetector) => d.implicatedKeyIds?.includes(r.api_key_id!);
      const implicated =
        (orgAlert && orgDetectors.some((d) => drives(d) && implicates(d))) ||
        (live !== undefined &&
          live.risk >= t &&
          orgDetectors.some((d) => live.drivers.has(d.detector) && implicates(d)));
      if (keyAlert || implicated) {
        o.firstDetectedAt ??= at;
        const idx = org.keyIds.indexOf(r.api_key_id!);
        if (idx >= 0 && !o.keysDetectedAt.has(idx)) o.keysDetectedAt.set(idx, at);
      }
    }
    out.set(off, [...outcomes.values()]);
  }
  return out;
}
