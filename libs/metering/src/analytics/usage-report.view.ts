/**
 * Usage analytics as the portal API sends them. Counts are numbers; tokens and money are decimal
 * strings (money in micro-units), summed exactly in SQL. Dependency-free: the web portal imports
 * these types as they are.
 */
export type UsageGranularity = 'day' | 'hour';
export type UsageGroupBy = 'none' | 'model' | 'key' | 'team';

export interface UsageFigures {
  /** Calls served (every usage record, whatever its outcome). */
  requests: number;
  /** Calls that delivered nothing (upstream error, gateway died before content): not billed. */
  failed: number;
  /** Calls whose client left mid-stream, or that were cut mid-stream: billed for what was delivered. */
  partial: number;
  /** Tokens and cost of billed calls (succeeded, cancelled, interrupted). */
  inputTokens: string;
  outputTokens: string;
  costMicros: string;
  /** Calls the gateway refused (no usage record exists for them); by reason in `refusalsByReason`. */
  refusals: number;
}

export interface UsagePoint extends UsageFigures {
  /** Start of the bucket: `YYYY-MM-DD` (day) or an ISO instant (hour), UTC. */
  bucket: string;
  /** The group's id (model, key or team id), or null for `none` or keys without a team. */
  groupId: string | null;
  /** Model slug, key name or team name, for display. */
  groupLabel: string | null;
  currency: string;
}

export interface RefusalCount {
  reason: string;
  refusals: number;
}

export interface UsageReport {
  from: string;
  to: string;
  granularity: UsageGranularity;
  groupBy: UsageGroupBy;
  points: UsagePoint[];
  /** Per currency (an organisation normally has one). */
  totals: (UsageFigures & { currency: string })[];
  refusalsByReason: RefusalCount[];
}

/** One model × key (× team) line over the whole range, largest cost first. */
export interface UsageBreakdownLine extends UsageFigures {
  modelId: string;
  modelSlug: string | null;
  apiKeyId: string;
  apiKeyName: string | null;
  teamId: string | null;
  teamName: string | null;
  currency: string;
  refusalsByReason: RefusalCount[];
}

/** One bucket × model × key (× team) line: the CSV export's row. */
export interface UsageLine extends UsageFigures {
  bucket: string;
  modelId: string;
  modelSlug: string | null;
  apiKeyId: string;
  apiKeyName: string | null;
  teamId: string | null;
  teamName: string | null;
  currency: string;
}
