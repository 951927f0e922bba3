import type { UsageLine } from './usage-report.view';

export const USAGE_CSV_HEADER = [
  'bucket',
  'model',
  'model_id',
  'api_key',
  'api_key_id',
  'team',
  'team_id',
  'currency',
  'requests',
  'failed',
  'partial',
  'input_tokens',
  'output_tokens',
  'cost_micros',
  'refusals',
];

/**
 * One CSV field (RFC 4180). A name a customer typed is quoted, and one that a spreadsheet would run
 * as a formula (leading = + - @, tab or CR) gets a leading apostrophe (OWASP CSV injection).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value).replace(/\0/g, '');
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function usageCsvLine(l: UsageLine): string {
  return [
    l.bucket,
    l.modelSlug,
    l.modelId,
    l.apiKeyName,
    l.apiKeyId,
    l.teamName,
    l.teamId,
    l.currency,
    l.requests,
    l.failed,
    l.partial,
    l.inputTokens,
    l.outputTokens,
    l.costMicros,
    l.refusals,
  ]
    .map(csvField)
    .join(',');
}

export function usageCsv(lines: readonly UsageLine[]): string {
  return [USAGE_CSV_HEADER.join(','), ...lines.map(usageCsvLine)].join('\r\n') + '\r\n';
}
