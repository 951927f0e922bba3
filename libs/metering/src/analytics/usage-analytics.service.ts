import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { API_KEYS_RELATION } from '@velvet/api-keys';
import { MODELS_RELATION } from '@velvet/catalog';
import type { DataSource } from 'typeorm';
import { TEAMS_RELATION } from './teams-relation.port';
import type { UsageQuery } from './usage-query';
import type {
  RefusalCount,
  UsageBreakdownLine,
  UsageFigures,
  UsageLine,
  UsagePoint,
  UsageReport,
} from './usage-report.view';
import { type Dimension, FIGURES, UsageSql } from './usage-sql';

interface FigureRow {
  requests: string;
  failed: string;
  partial: string;
  input_tokens: string;
  output_tokens: string;
  cost_micros: string;
}
type Row = FigureRow & Record<string, string | null>;

const figuresOf = (r: FigureRow | undefined, refusals = 0): UsageFigures => ({
  requests: Number(r?.requests ?? 0),
  failed: Number(r?.failed ?? 0),
  partial: Number(r?.partial ?? 0),
  inputTokens: r?.input_tokens ?? '0',
  outputTokens: r?.output_tokens ?? '0',
  costMicros: r?.cost_micros ?? '0',
  refusals,
});

const toBucket = (b: string | Date): string => (b instanceof Date ? b.toISOString() : b);

/**
 * Usage analytics of one organisation, read from the rollups (usage_daily, usage_hourly,
 * usage_refusals_hourly), never from usage_records: a report costs the same on 10 M usage rows as on
 * ten. `organizationId` is part of every query; callers check the caller may read it.
 */
@Injectable()
export class UsageAnalyticsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEAMS_RELATION) private readonly teams: string,
  ) {}

  async report(q: UsageQuery): Promise<UsageReport> {
    const dims: Dimension[] = q.groupBy === 'none' ? [] : [q.groupBy];
    const [points, refusalsByReason] = await Promise.all([
      this.points(q, dims),
      this.refusalsByReason(q),
    ]);
    const groupId = (p: Row) =>
      dims.length === 0 ? null : (p[`${dims[0] === 'key' ? 'api_key' : dims[0]}_id`] ?? null);
    return {
      from: q.from,
      to: q.to,
      granularity: q.granularity,
      groupBy: q.groupBy,
      points: points.map((p): UsagePoint => ({
        bucket: p.bucket!,
        groupId: groupId(p),
        groupLabel:
          dims[0] === 'model'
            ? p.model_slug
            : dims[0] === 'key'
              ? p.api_key_name
              : (p.team_name ?? groupId(p)),
        currency: p.currency!,
        ...figuresOf(p, Number(p.refusals ?? 0)),
      })),
      totals: totalsOf(points, refusalsByReason),
      refusalsByReason,
    };
  }

  /** Model × key (× team) lines over the range, largest cost first; the CSV export's per-bucket lines use `points`. */
  async breakdown(q: UsageQuery): Promise<UsageBreakdownLine[]> {
    const dims: Dimension[] = ['model', 'key', 'team'];
    const rows = await this.points({ ...q }, dims, false);
    const refusals = await this.refusalRows(q, ['model', 'key', 'team']);
    const lines = rows.map((r): UsageBreakdownLine => ({
      ...lineIdentity(r),
      currency: r.currency!,
      ...figuresOf(r),
      refusalsByReason: [],
    }));
    const modelAndKey = (r: Row) => `${r.model_id}|${r.api_key_id}`;
    const byKey = new Map<string, UsageBreakdownLine>();
    for (const [i, r] of rows.entries())
      if (!byKey.has(modelAndKey(r))) byKey.set(modelAndKey(r), lines[i]);
    for (const r of refusals) {
      let line = byKey.get(modelAndKey(r));
      if (!line) {
        line = {
          ...lineIdentity(r),
          currency: lines[0]?.currency ?? 'USD',
          ...figuresOf(undefined),
          refusalsByReason: [],
        };
        lines.push(line);
        byKey.set(modelAndKey(r), line);
      }
      line.refusals += Number(r.refusals);
      line.refusalsByReason.push({ reason: r.reason!, refusals: Number(r.refusals) });
    }
    return lines.sort(
      (a, b) => Number(BigInt(b.costMicros) - BigInt(a.costMicros)) || b.requests - a.requests,
    );
  }

  /** Every bucket × model × key (× team) line of the range, for the CSV export. */
  async lines(q: UsageQuery): Promise<UsageLine[]> {
    return (await this.points(q, ['model', 'key', 'team'])).map((p) => ({
      bucket: p.bucket!,
      ...lineIdentity(p),
      currency: p.currency!,
      ...figuresOf(p, Number(p.refusals ?? 0)),
    }));
  }

  /** Usage figures per bucket (or over the range, `bucketed` false) and dimension, with refusals merged in. */
  private async points(q: UsageQuery, dims: Dimension[], bucketed = true): Promise<Row[]> {
    const sql = new UsageSql(q);
    const src = bucketed ? sql.rollup(dims) : { ...sql.totalsSource(), bucket: '' };
    const groups = sql.groupColumns(dims);
    const keys = [...(bucketed ? [`${src.bucket} AS bucket`] : []), ...groups, 'x.currency'];
    const rows: Row[] = await this.db.query(
      `SELECT g.*${this.labels(dims)}
         FROM (SELECT ${keys.join(', ')}, ${FIGURES}
                 FROM ${src.table} x ${sql.keyJoin(dims)}
                WHERE ${sql.where(src.range)}
                GROUP BY ${keys.map((_, i) => i + 1).join(', ')}) g
         ${this.labelJoins(dims)}
        ORDER BY ${bucketed ? 'g.bucket, ' : ''}g.cost_micros::numeric DESC`,
      sql.params,
    );
    for (const r of rows) if (bucketed) r.bucket = toBucket(r.bucket as string | Date);
    if (!bucketed) return rows;
    const refusals = await this.refusalRows(q, dims, true);
    // refusals join the first line (currency) of their bucket and group, or make one of their own
    const byKey = new Map<string, Row>();
    for (const p of rows) if (!byKey.has(lineKey(p))) byKey.set(lineKey(p), p);
    for (const r of refusals) {
      const hit = byKey.get(lineKey(r));
      if (hit) hit.refusals = String(Number(hit.refusals ?? 0) + Number(r.refusals));
      else rows.push({ ...r, currency: rows[0]?.currency ?? 'USD', ...zeroFigures });
    }
    return rows.sort((a, b) => (a.bucket! < b.bucket! ? -1 : a.bucket! > b.bucket! ? 1 : 0));
  }

  private async refusalRows(q: UsageQuery, dims: Dimension[], bucketed = false): Promise<Row[]> {
    const sql = new UsageSql(q);
    const src = sql.refusals();
    const keys = [
      ...(bucketed ? [`${src.bucket} AS bucket`] : []),
      ...sql.groupColumns(dims),
      ...(bucketed ? [] : ['x.reason']),
    ];
    const rows: Row[] = await this.db.query(
      `SELECT g.*${this.labels(dims)}
         FROM (SELECT ${keys.join(', ')}, sum(x.refusals)::bigint AS refusals
                 FROM ${src.table} x ${sql.keyJoin(dims)}
                WHERE ${sql.where(src.range)}
                GROUP BY ${keys.map((_, i) => i + 1).join(', ')}) g
         ${this.labelJoins(dims)}`,
      sql.params,
    );
    for (const r of rows) if (bucketed) r.bucket = toBucket(r.bucket as string | Date);
    return rows;
  }

  private async refusalsByReason(q: UsageQuery): Promise<RefusalCount[]> {
    const rows = await this.refusalRows(q, []);
    return rows
      .map((r) => ({ reason: r.reason!, refusals: Number(r.refusals) }))
      .sort((a, b) => b.refusals - a.refusals || a.reason.localeCompare(b.reason));
  }

  private labels(dims: readonly Dimension[]): string {
    return (
      (dims.includes('model') ? ', lm.slug AS model_slug' : '') +
      (dims.includes('key') ? ', lk.name AS api_key_name' : '') +
      (dims.includes('team') ? ', lt.name AS team_name' : '')
    );
  }

  private labelJoins(dims: readonly Dimension[]): string {
    return (
      (dims.includes('model') ? ` LEFT JOIN ${MODELS_RELATION} lm ON lm.id = g.model_id` : '') +
      (dims.includes('key') ? ` LEFT JOIN ${API_KEYS_RELATION} lk ON lk.id = g.api_key_id` : '') +
      (dims.includes('team') ? ` LEFT JOIN ${this.teams} lt ON lt.id = g.team_id` : '')
    );
  }
}

/** The model, key and team of a model × key (× team) row, with their labels. */
const lineIdentity = (r: Row) => ({
  modelId: r.model_id!,
  modelSlug: r.model_slug,
  apiKeyId: r.api_key_id!,
  apiKeyName: r.api_key_name,
  teamId: r.team_id ?? null,
  teamName: r.team_name ?? null,
});

const zeroFigures = {
  requests: '0',
  failed: '0',
  partial: '0',
  input_tokens: '0',
  output_tokens: '0',
  cost_micros: '0',
};

const lineKey = (r: Row): string =>
  `${r.bucket}|${r.model_id ?? ''}|${r.api_key_id ?? ''}|${r.team_id ?? ''}`;

/** Totals per currency are the sums of the points (groups partition the rows: a key has one team). */
function totalsOf(points: Row[], refusals: RefusalCount[]): UsageReport['totals'] {
  const sums = new Map<string, bigint[]>();
  for (const p of points) {
    const s = sums.get(p.currency!) ?? [0n, 0n, 0n, 0n, 0n, 0n];
    [p.requests, p.failed, p.partial, p.input_tokens, p.output_tokens, p.cost_micros].forEach(
      (v, i) => (s[i] += BigInt(v)),
    );
    sums.set(p.currency!, s);
  }
  const refused = refusals.reduce((n, r) => n + r.refusals, 0);
  const totals = [...sums]
    .filter(([, s]) => s[0] > 0n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, s]) => ({
      currency,
      ...figuresOf({
        requests: String(s[0]),
        failed: String(s[1]),
        partial: String(s[2]),
        input_tokens: String(s[3]),
        output_tokens: String(s[4]),
        cost_micros: String(s[5]),
      }),
    }));
  if (refused === 0) return totals;
  if (totals.length === 0) return [{ currency: 'USD', ...figuresOf(undefined, refused) }];
  totals[0].refusals = refused;
  return totals;
}
