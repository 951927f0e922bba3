import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  fromInt32,
  type HorizonCallRow,
  premiumCallsPerHour,
  premiumCallsWithSeenBands,
  premiumKeyCalls,
  recordPremiumBandSightings,
} from '@velvet/audit';
import type { DataSource } from 'typeorm';
import type { CrossOrgEvidence, HorizonCall, KeyTraffic } from '../features/call-feature';
import { isDefaultParams } from '../features/default-params';
import { groupBy } from '../features/group-by';
import { novelty, templateBands } from '../features/template-bands';
import { isBare } from '../detectors/coverage.detectors';

const HOUR = 3_600_000;
/** Prompt LSH bands remembered per call: 8 of minhash-v1's 16 (a near-duplicate at Jaccard 0.8 shares one with p ≈ 0.98). */
export const BANDS_KEPT = 8;
/** Bounds on what one organisation costs a run, whatever it sends. */
const MAX_HORIZON_CALLS = 4000;
const HISTORY_DAYS = 7;
/** The history sample: up to this many calls from each hour of the past week (≤ 504 per organisation). */
const HISTORY_PER_HOUR = 3;
/** Shared band count (≈ two prompts) below which two organisations are not linked. */
const MIN_SHARED_BANDS = 2 * BANDS_KEPT;
/** A band re-sent within this many hours of its recorded last sighting is not rewritten (write amplification). */
const LAST_SEEN_REFRESH_HOURS = 24;
/** Organisations, and calls per hour of each, in the population sample `population_drift` compares with. */
const POPULATION_ORGS = 150;
const POPULATION_PER_HOUR = 2;
/** Calls per organisation the day-long per-key tally reads at most (alerting organisations only). */
const MAX_KEY_TRAFFIC_CALLS = 20_000;
/** Shared (organisation, band) rows one run reads at most to tell which calls carry a cross-organisation link. */
const MAX_SHARED_BAND_ROWS = 200_000;
/** Band rows one run purges at most. */
const PURGE_BATCH = 20_000;

const toCall = (r: HorizonCallRow, template: ReadonlySet<string> = new Set()): HorizonCall => ({
  apiKeyId: r.api_key_id,
  occurredAt: new Date(r.occurred_at),
  ...novelty(r.bands ?? [], r.seen ?? [], template),
  flags: r.flags,
  defaultParams: isDefaultParams(r.params),
  inputTokens: r.input_tokens ?? 0,
  outputTokens: r.output_tokens ?? 0,
  promptMinhash: r.prompt_minhash ? fromInt32(r.prompt_minhash.split(',').map(Number)) : [],
  bands: r.bands ?? [],
});

/**
 * The long-horizon evidence, read with index look-ups and per-organisation limits, so a run's cost
 * grows with the number of organisations and calls in its window, never with the square of prompts.
 */
@Injectable()
export class HorizonReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records when each organisation first sent each prompt band: for the calls in (from, to], and for
   * every hour back to `backfillFrom` no run has remembered yet (the first run, a gap, a re-run of
   * an old window). Idempotent: a band keeps its earliest sighting.
   */
  async rememberBands(from: Date, to: Date, backfillFrom: Date): Promise<void> {
    const firstHour = Math.floor(backfillFrom.getTime() / HOUR) * HOUR;
    const hours = Array.from(
      { length: Math.ceil((to.getTime() - firstHour) / HOUR) },
      (_, i) => new Date(firstHour + i * HOUR),
    );
    const done: { hour: Date }[] = await this.db.query(
      `SELECT hour FROM detection_band_hours WHERE hour = ANY($1::timestamptz[])`,
      [hours],
    );
    const known = new Set(done.map((d) => new Date(d.hour).getTime()));
    for (const h of hours.filter((x) => !known.has(x.getTime()) && x.getTime() < from.getTime())) {
      await this.upsertBands(
        new Date(Math.max(h.getTime(), backfillFrom.getTime()) - 1),
        new Date(Math.min(h.getTime() + HOUR, from.getTime())),
      );
    }
    await this.upsertBands(from, to);
    // An hour is complete once it ended before this window: later audit records land in later windows.
    const complete = hours.filter(
      (h) => h.getTime() + HOUR <= from.getTime() && h.getTime() >= backfillFrom.getTime(),
    );
    if (complete.length) {
      await this.db.query(
        `INSERT INTO detection_band_hours (hour) SELECT unnest($1::timestamptz[]) ON CONFLICT DO NOTHING`,
        [complete],
      );
    }
  }

  private upsertBands(from: Date, to: Date): Promise<void> {
    return recordPremiumBandSightings(this.db.manager, {
      into: 'detection_prompt_bands',
      from,
      to,
      bandsKept: BANDS_KEPT,
      refreshHours: LAST_SEEN_REFRESH_HOURS,
    });
  }

  /**
   * Forgets bands no organisation sent for `retentionDays` (their prompts become new again), at most
   * `limit` rows per call so one run never spends long on it; returns the rows removed.
   */
  async purgeBands(asOf: Date, retentionDays: number, limit = PURGE_BATCH): Promise<number> {
    const cutoff = new Date(asOf.getTime() - retentionDays * 24 * HOUR);
    const [, removed]: [unknown, number] = await this.db.query(
      `DELETE FROM detection_prompt_bands WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM detection_prompt_bands WHERE last_seen < $1 LIMIT ${limit}))`,
      [cutoff],
    );
    await this.db.query(`DELETE FROM detection_band_hours WHERE hour < $1`, [cutoff]);
    return removed ?? 0;
  }

  /** Each organisation's calls in (asOf - hours, asOf], newest first up to a bound, each marked new or not. */
  async horizonCalls(
    orgIds: string[],
    asOf: Date,
    hours: number,
  ): Promise<Map<string, HorizonCall[]>> {
    const rows = await premiumCallsWithSeenBands(this.db.manager, {
      organizationIds: orgIds,
      from: new Date(asOf.getTime() - hours * HOUR),
      to: asOf,
      limit: MAX_HORIZON_CALLS,
      bandsKept: BANDS_KEPT,
      sightings: 'detection_prompt_bands',
    });
    return groupAscending(rows, true);
  }

  /**
   * The organisation's own normal: a few calls from every hour of the week before the horizon, so
   * the sample spans its whole routine (the latest calls alone would be one part of a nightly batch
   * run in a fixed order, or one time of day). One index probe per hour and organisation.
   */
  async historySample(orgIds: string[], horizonStart: Date): Promise<Map<string, HorizonCall[]>> {
    const rows = await premiumCallsPerHour(this.db.manager, {
      organizationIds: orgIds,
      before: horizonStart,
      hours: HISTORY_DAYS * 24,
      perHour: HISTORY_PER_HOUR,
    });
    return groupAscending(rows);
  }

  /**
   * The population for `population_drift`: a few calls from each hour of the horizon of up to
   * POPULATION_ORGS organisations (spread evenly over the list, so a run's cost stays bounded),
   * whoever they are. One index probe per organisation and hour.
   */
  async populationSample(
    orgIds: readonly string[],
    asOf: Date,
    hours: number,
  ): Promise<Map<string, HorizonCall[]>> {
    const sorted = [...orgIds].sort();
    const step = Math.max(1, sorted.length / POPULATION_ORGS);
    const picked = [
      ...new Set(
        Array.from(
          { length: Math.min(sorted.length, POPULATION_ORGS) },
          (_, i) => sorted[Math.floor(i * step)],
        ),
      ),
    ];
    if (!picked.length) return new Map();
    const rows = await premiumCallsPerHour(this.db.manager, {
      organizationIds: picked,
      before: asOf,
      hours,
      perHour: POPULATION_PER_HOUR,
    });
    return groupAscending(rows);
  }

  /**
   * Per key of each organisation, its calls over the trailing `hours` and how many of them were bare
   * (single-turn, no system prompt) with SDK defaults. Read only for organisations a run already
   * alerts on, so its cost follows the cases, not the population.
   */
  async keyTraffic(
    orgIds: string[],
    asOf: Date,
    hours: number,
  ): Promise<Map<string, KeyTraffic[]>> {
    const out = new Map<string, KeyTraffic[]>();
    if (!orgIds.length) return out;
    const rows = await premiumKeyCalls(this.db.manager, {
      organizationIds: orgIds,
      from: new Date(asOf.getTime() - hours * HOUR),
      to: asOf,
      limit: MAX_KEY_TRAFFIC_CALLS,
    });
    const tally = new Map<string, KeyTraffic & { org: string }>();
    for (const r of rows) {
      const k = tally.get(r.api_key_id) ?? {
        org: r.organization_id,
        apiKeyId: r.api_key_id,
        hours,
        calls: 0,
        bareDefaultCalls: 0,
      };
      k.calls++;
      if (isBare(r) && isDefaultParams(r.params)) k.bareDefaultCalls++;
      tally.set(r.api_key_id, k);
    }
    for (const { org, ...k } of tally.values()) out.set(org, [...(out.get(org) ?? []), k]);
    return out;
  }

  /**
   * Organisations that began sending the same prompts as these, within the same `hours`: one edge per
   * pair sharing enough newly-seen bands. An organisation's group is itself and its direct partners,
   * not everything reachable through them: one benign link to a campaign account must not make a
   * customer a member of the campaign.
   */
  async crossOrg(
    orgIds: string[],
    asOf: Date,
    hours: number,
  ): Promise<Map<string, CrossOrgEvidence>> {
    const edges: { org: string; partner: string; bands: number }[] = await this.db.query(
      `SELECT m.organization_id AS org, o.organization_id AS partner, count(*)::int AS bands
         FROM detection_prompt_bands m
         JOIN detection_prompt_bands o ON o.band = m.band AND o.organization_id <> m.organization_id
                                       AND o.first_seen > $2 AND o.first_seen <= $3
        WHERE m.organization_id = ANY($1::uuid[]) AND m.first_seen > $2 AND m.first_seen <= $3
        GROUP BY 1, 2 HAVING count(*) >= ${MIN_SHARED_BANDS}`,
      [orgIds, new Date(asOf.getTime() - hours * HOUR), asOf],
    );
    // Which of the linked pairs' shared bands each organisation sent, and with whom: the calls (and so
    // the keys) that carry the link, bounded per organisation.
    const linked = edges.filter((e) => e.bands >= MIN_SHARED_BANDS);
    const bandRows: { org: string; band: string; partners: string[] }[] = linked.length
      ? await this.db.query(
          `SELECT p.org, m.band::text AS band, array_agg(DISTINCT o.organization_id::text) AS partners
             FROM unnest($1::uuid[], $2::uuid[]) AS p(org, partner)
             JOIN detection_prompt_bands m ON m.organization_id = p.org AND m.first_seen > $3 AND m.first_seen <= $4
             JOIN detection_prompt_bands o ON o.organization_id = p.partner AND o.band = m.band
                                           AND o.first_seen > $3 AND o.first_seen <= $4
            GROUP BY 1, 2 LIMIT ${MAX_SHARED_BAND_ROWS}`,
          [
            linked.map((e) => e.org),
            linked.map((e) => e.partner),
            new Date(asOf.getTime() - hours * HOUR),
            asOf,
          ],
        )
      : [];
    const bandPartners = new Map<string, Map<string, string[]>>();
    for (const r of bandRows) {
      const m = bandPartners.get(r.org) ?? new Map<string, string[]>();
      m.set(r.band, r.partners);
      bandPartners.set(r.org, m);
    }
    const out = new Map<string, CrossOrgEvidence>();
    for (const id of orgIds) {
      const mine = edges.filter((e) => e.org === id).sort((a, b) => b.bands - a.bands);
      if (!mine.length) continue;
      out.set(id, {
        groupSize: mine.length + 1,
        sharedPrompts: Math.round(mine[0].bands / BANDS_KEPT),
        partners: mine.map((e) => ({
          organizationId: e.partner,
          sharedPrompts: Math.round(e.bands / BANDS_KEPT),
        })),
        bandPartners: bandPartners.get(id) ?? new Map(),
      });
    }
    return out;
  }
}

function groupAscending(
  rows: HorizonCallRow[],
  stripTemplates = false,
): Map<string, HorizonCall[]> {
  const byOrg = groupBy(rows, (r) => r.organization_id);
  const out = new Map<string, HorizonCall[]>();
  for (const [org, list] of byOrg) {
    const template = stripTemplates
      ? templateBands(list.map((r) => r.bands ?? []))
      : new Set<string>();
    out.set(
      org,
      list.map((r) => toCall(r, template)),
    );
  }
  for (const list of out.values())
    list.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return out;
}
