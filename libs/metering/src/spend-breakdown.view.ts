/**
 * One model × key line of an organisation's spend breakdown, as the portal API sends it; amounts are
 * decimal strings of micro-units. Dependency-free: the web portal imports this type as it is.
 */
export interface SpendBreakdownRow {
  modelSlug: string | null;
  tier: string;
  apiKeyId: string;
  apiKeyName: string | null;
  calls: number;
  inputTokens: string;
  outputTokens: string;
  costMicros: string;
}
