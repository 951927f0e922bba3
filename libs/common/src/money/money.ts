/**
 * Money is integer micro-units (1 USD = 1,000,000 micros) held as bigint, so sums of
 * millions of per-token charges stay exact. It crosses the wire as a decimal string of micros.
 */
export type Micros = bigint;

export const MICROS_PER_UNIT = 1_000_000n;

export function parseMicros(value: string | number | bigint): Micros {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount: ${value}`);
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new RangeError(`not an integer amount: ${value}`);
  return BigInt(value);
}

/** `41200000000n, 'USD'` -> `41,200.00 USD` (rounded half-up to cents for display only). */
export function formatMicros(micros: Micros, currency: string): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const cents = (abs + 5_000n) / 10_000n;
  const whole = (cents / 100n).toLocaleString('en-US');
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac} ${currency}`;
}

/** Cost of `tokens` at `pricePerMillionTokens` micros, rounded up to a whole micro. */
export function costOfTokens(tokens: number, microsPerMillionTokens: Micros): Micros {
  const numerator = BigInt(tokens) * microsPerMillionTokens;
  return (numerator + 999_999n) / 1_000_000n;
}

/** TypeORM transformer: Postgres bigint/numeric <-> JS bigint, exact both ways. */
export const bigintTransformer = {
  to: (value: Micros | null | undefined) =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
