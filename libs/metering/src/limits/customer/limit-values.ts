import { DomainErrorKind, DomainException, type Micros } from '@velvet/common';
import type { CustomerLimit } from '../../entities/customer-limit.entity';
import { type FindOptionsWhere, IsNull } from 'typeorm';

/** Which limits: the organisation's (neither id), a team's, or a key's. */
export interface LimitTarget {
  teamId?: string | null;
  apiKeyId?: string | null;
}

export interface LimitValues {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  spendCapMicros: Micros | null;
}

const FIELDS = ['requestsPerMinute', 'tokensPerMinute', 'spendCapMicros'] as const;
const MAX_RATE = 2_147_483_647;
/** Postgres bigint. */
const MAX_CAP = 9_223_372_036_854_775_807n;

/** Checks the shape (non-negative integers, caps within bigint); 400 `invalid_limit` otherwise. */
export function limitValues(input: {
  requestsPerMinute?: unknown;
  tokensPerMinute?: unknown;
  spendCapMicros?: unknown;
}): LimitValues {
  const rate = (field: string, v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > MAX_RATE)
      throw invalid(`${field} must be an integer from 0 to ${MAX_RATE}, or null`);
    return v;
  };
  const cap = input.spendCapMicros;
  let spendCapMicros: Micros | null = null;
  if (cap !== null && cap !== undefined) {
    // a string of digits (exact beyond 2^53), or a safe integer
    const ok =
      (typeof cap === 'string' && /^\d{1,19}$/.test(cap)) ||
      (typeof cap === 'number' && Number.isSafeInteger(cap) && cap >= 0);
    if (!ok || BigInt(cap as string | number) > MAX_CAP)
      throw invalid('spendCapMicros must be a non-negative integer (micro-units), or null');
    spendCapMicros = BigInt(cap as string | number) as Micros;
  }
  return {
    requestsPerMinute: rate('requestsPerMinute', input.requestsPerMinute),
    tokensPerMinute: rate('tokensPerMinute', input.tokensPerMinute),
    spendCapMicros,
  };
}

/** Refuses a value above the ceiling's: 400 `limit_above_entitlement` (null sets none: the ceiling still applies). */
export function limitCeiling(
  values: LimitValues,
  ceiling: Partial<LimitValues>,
  what: string,
): void {
  for (const f of FIELDS) {
    const c = ceiling[f];
    if (c === null || c === undefined) continue;
    const v = values[f];
    if (v !== null && v > c)
      throw new DomainException(
        DomainErrorKind.Invalid,
        'limit_above_entitlement',
        `${f} ${String(v)} exceeds ${what} (${String(c)}).`,
      );
  }
}

export function targetWhere(
  organizationId: string,
  t: LimitTarget,
): FindOptionsWhere<CustomerLimit> {
  if (t.apiKeyId) return { organizationId, apiKeyId: t.apiKeyId };
  if (t.teamId) return { organizationId, teamId: t.teamId };
  return { organizationId, teamId: IsNull(), apiKeyId: IsNull() };
}

const invalid = (message: string) =>
  new DomainException(DomainErrorKind.Invalid, 'invalid_limit', message);
