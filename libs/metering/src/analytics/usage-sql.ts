import { API_KEYS_RELATION } from '@velvet/api-keys';
import { dayAfter, splitByMonths, type UsageQuery } from './usage-query';

/** The dimensions a usage query can group by; `team` is reached through the key (api_keys.team_id). */
export type Dimension = 'model' | 'key' | 'team';

/**
 * SQL pieces of one usage query over a rollup (`h`) and the refusal counts (`r`), with its parameters.
 * Every query starts from `organization_id = $1`: no dimension or filter can reach another
 * organisation's rows (a foreign model or key id simply matches nothing).
 */
/** A key's team: history follows the key (moving a key to another team moves its usage with it). */
const TEAM_COLUMN = 'k.team_id';

export class UsageSql {
  readonly params: unknown[];
  private readonly filters: string[] = [];

  constructor(readonly q: UsageQuery) {
    this.params = [q.organizationId];
    if (q.modelId) this.filters.push(`x.model_id = ${this.param(q.modelId)}`);
    if (q.apiKeyId) this.filters.push(`x.api_key_id = ${this.param(q.apiKeyId)}`);
    if (q.teamId) this.filters.push(`${TEAM_COLUMN} = ${this.param(q.teamId)}`);
  }

  get hourly(): boolean {
    return this.q.granularity === 'hour';
  }

  /**
   * The smallest rollup that has what the query needs: per key only when a key or team is grouped or
   * filtered, per model only when a model is; hours only for hourly points. Rows read grow with what
   * is shown (keys x days, models x hours), not with keys x models x buckets.
   */
  rollup(dims: readonly Dimension[] = []): { table: string; bucket: string; range: string } {
    const needsKey =
      dims.includes('key') || dims.includes('team') || !!this.q.apiKeyId || !!this.q.teamId;
    const needsModel = dims.includes('model') || !!this.q.modelId;
    if (this.hourly)
      return {
        table: needsKey ? 'usage_hourly' : 'usage_hourly_models',
        bucket: `x.hour`,
        range: this.hourRange(),
      };
    return {
      table: !needsKey ? 'usage_daily_models' : needsModel ? 'usage_daily' : 'usage_daily_keys',
      bucket: `x.day::text`,
      range: this.dayRange('x.day', this.q.from, this.q.to),
    };
  }

  /**
   * Model x key totals over the range without buckets: whole calendar months from usage_monthly, the
   * days at the range's edges from usage_daily (a quarter reads about a third of its days).
   */
  totalsSource(): { table: string; range: string } {
    const { months, days } = splitByMonths(this.q.from, this.q.to);
    const cols =
      'organization_id, model_id, api_key_id, currency, requests, failed, partial, input_tokens, output_tokens, cost_micros';
    const parts = [
      ...(months
        ? [
            `SELECT ${cols} FROM usage_monthly m WHERE m.organization_id = $1 AND ${this.dayRange('m.month', ...months)}`,
          ]
        : []),
      ...days.map(
        ([from, to]) =>
          `SELECT ${cols} FROM usage_daily d WHERE d.organization_id = $1 AND ${this.dayRange('d.day', from, to)}`,
      ),
    ];
    return { table: `(${parts.join(' UNION ALL ')})`, range: 'true' };
  }

  /** Refusals are counted per hour only; a day bucket sums its hours. */
  refusals(): { table: string; bucket: string; range: string } {
    return {
      table: 'usage_refusals_hourly',
      bucket: this.hourly ? `x.hour` : `(x.hour AT TIME ZONE 'UTC')::date::text`,
      range: this.hourRange(),
    };
  }

  /** Join to api_keys, needed by the team and the team filter only (key names are joined after grouping). */
  keyJoin(dims: readonly Dimension[]): string {
    const needed = dims.includes('team') || this.q.teamId;
    return needed ? `LEFT JOIN ${API_KEYS_RELATION} k ON k.id = x.api_key_id` : '';
  }

  where(range: string): string {
    return ['x.organization_id = $1', range, ...this.filters].join(' AND ');
  }

  /** Group columns for the dimensions, named model_id / api_key_id / team_id. */
  groupColumns(dims: readonly Dimension[]): string[] {
    return dims.map((d) =>
      d === 'model'
        ? 'x.model_id AS model_id'
        : d === 'key'
          ? 'x.api_key_id AS api_key_id'
          : `${TEAM_COLUMN} AS team_id`,
    );
  }

  private dayRange(column: string, from: string, to: string): string {
    return `${column} >= ${this.param(from)}::date AND ${column} <= ${this.param(to)}::date`;
  }

  private hourRange(): string {
    return `x.hour >= (${this.param(this.q.from)}::date::timestamp AT TIME ZONE 'UTC') AND x.hour < (${this.param(dayAfter(this.q.to))}::date::timestamp AT TIME ZONE 'UTC')`;
  }

  private param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/** Usage figures of a rollup's rows (tokens and cost there are already those of billed calls). */
export const FIGURES = `
  sum(x.requests)::bigint AS requests,
  sum(x.failed)::bigint AS failed,
  sum(x.partial)::bigint AS partial,
  sum(x.input_tokens)::text AS input_tokens,
  sum(x.output_tokens)::text AS output_tokens,
  sum(x.cost_micros)::text AS cost_micros`;
