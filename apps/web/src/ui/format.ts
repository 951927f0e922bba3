import { formatMicrosExact as exactAmount } from '@velvet/entitlements/browser';
/** Money arrives as decimal strings of micro-units; format exactly with BigInt, never floats. */
export function formatMicros(
  micros: string | number | bigint | null | undefined,
  currency = 'USD',
): string {
  if (micros === null || micros === undefined || micros === '') return '—';
  const v = BigInt(micros);
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const cents = (abs + 5_000n) / 10_000n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (cents % 100n).toString().padStart(2, '0');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${negative ? '-' : ''}${symbol}${whole}.${frac}`;
}

/** "50000" or "50,000.25" dollars -> micro-units string; null if not a valid amount. */
export function dollarsToMicros(input: string): string | null {
  const m = input.replace(/[,\s$]/g, '').match(/^(\d+)(?:\.(\d{1,6}))?$/);
  if (!m) return null;
  return (BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'))).toString();
}

/**
 * Exact, for amounts that decide something (spend towards a threshold, a shortfall): cents when the
 * amount is whole cents, else every micro-unit, so $9,999.999992 never shows as $10,000.00.
 */
export function formatMicrosExact(
  micros: string | number | bigint | null | undefined,
  currency = 'USD',
): string {
  if (micros === null || micros === undefined || micros === '') return '—';
  const text = exactAmount(BigInt(micros), '');
  const negative = text.startsWith('-');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${negative ? '-' : ''}${symbol}${negative ? text.slice(1) : text}`;
}

/** A micros value as a plain number of dollars, for charts only (display values use formatMicros). */
export const microsToNumber = (micros: string | number | bigint) => Number(BigInt(micros)) / 1e6;

export function percent(part: string | bigint, whole: string | bigint): number {
  const w = BigInt(whole);
  if (w <= 0n) return 100;
  const p = Number((BigInt(part) * 10_000n) / w) / 100;
  return Math.min(100, p);
}

export const formatDate = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().slice(0, 10) : '—';
export const formatDateTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—';

/** A contract's minimum spend per period as the contract tables show it: "$50,000.00 / 3 mo". */
export const formatCommitment = (c: {
  minSpendMicros: string;
  currency: string;
  periodMonths: number;
}) => `${formatMicros(c.minSpendMicros, c.currency)} / ${c.periodMonths} mo`;
/** A contract's term: "2026-01-01 – 2026-12-31". */
export const formatTerm = (c: { termStart: string; termEnd: string }) =>
  `${formatDate(c.termStart)} – ${formatDate(c.termEnd)}`;
/** What a contract lets the provider keep of the organisation's prompts and completions. */
export const formatTextRetention = (days: number | null | undefined) =>
  days ? `Texts kept ${days} day${days === 1 ? '' : 's'}` : 'Texts not kept (hashes only)';
