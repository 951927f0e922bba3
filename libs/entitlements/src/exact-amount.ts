/**
 * Free of imports, so the web portal shares it (as it does explanation.view.ts).
 *
 * An amount as it is, never rounded: cents when the amount is whole cents (`1.00 USD`), otherwise
 * every significant micro-unit (`0.999992 USD`). Rounding to cents would show 0.999992 of a 1.00
 * threshold as "1.00 of 1.00" while the model stays locked.
 */
export function formatMicrosExact(micros: bigint, currency: string): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = (abs / 1_000_000n).toLocaleString('en-US');
  let frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}${currency ? ` ${currency}` : ''}`;
}
