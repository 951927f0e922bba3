import { SINGLE_LAYOUT, shardOf, shardTag, type ShardLayout } from '@velvet/queue';
import type { RateLimit } from '../entities/rate-limit.entity';

/**
 * An override written on the portal (a throttle set or lifted, a cap changed), announced on Redis
 * pub/sub with its new values so every gateway patches its in-memory snapshot in the message
 * handler itself, with no query in between: the first call after a lift is not judged by the
 * lifted throttle. The periodic snapshot refresh stays as the safety net for lost messages.
 */
export interface LimitChange {
  organizationId: string;
  apiKeyId: string | null;
  /** Null: the override was removed (the gateway defaults apply again). */
  override: Pick<RateLimit, 'requestsPerMinute' | 'tokensPerMinute' | 'spendCapMicros'> | null;
}

/** Channel of limit changes, beside the entitlements one. Pub/sub channels are not key-prefixed. */
export const limitChangesChannel = (keyPrefix: string): string => `${keyPrefix}limits:changed`;

export function encodeLimitChange(change: LimitChange): string {
  const o = change.override;
  return JSON.stringify({
    o: change.organizationId,
    k: change.apiKeyId,
    v: o && [
      o.requestsPerMinute,
      o.tokensPerMinute,
      o.spendCapMicros === null ? null : String(o.spendCapMicros),
    ],
  });
}

/** Null for anything that is not a limit change (the channel is shared by nobody else, but be strict). */
export function decodeLimitChange(message: string): LimitChange | null {
  try {
    const m = JSON.parse(message) as { o?: unknown; k?: unknown; v?: unknown };
    if (typeof m.o !== 'string' || (m.k !== null && typeof m.k !== 'string')) return null;
    if (m.v === null) return { organizationId: m.o, apiKeyId: m.k, override: null };
    if (!Array.isArray(m.v) || m.v.length !== 3) return null;
    const [rpm, tpm, cap] = m.v as unknown[];
    const int = (x: unknown) => x === null || Number.isSafeInteger(x);
    if (!int(rpm) || !int(tpm) || (cap !== null && (typeof cap !== 'string' || !/^\d+$/.test(cap))))
      return null;
    return {
      organizationId: m.o,
      apiKeyId: m.k,
      override: {
        requestsPerMinute: rpm as number | null,
        tokensPerMinute: tpm as number | null,
        spendCapMicros: cap === null ? null : BigInt(cap as string),
      },
    };
  } catch {
    return null;
  }
}

/**
 * Whether `after` allows more requests or tokens per minute than `before` (null: no override,
 * the defaults, which no throttle is above). Then the rate state kept under the old limit is
 * forgiven: GCRA stores a theoretical arrival time paid for at the old limit's price, which would
 * refuse calls the new limit allows until it runs out.
 */
export function loosens(
  before: Pick<RateLimit, 'requestsPerMinute' | 'tokensPerMinute'> | null,
  after: Pick<RateLimit, 'requestsPerMinute' | 'tokensPerMinute'> | null,
): boolean {
  if (!before) return false;
  const up = (b: number | null, a: number | null) => b !== null && (a === null || a > b);
  return (
    !after ||
    up(before.requestsPerMinute, after.requestsPerMinute) ||
    up(before.tokensPerMinute, after.tokensPerMinute)
  );
}

/**
 * A scope's GCRA keys (quota.scripts.ts: requests TAT, tokens TAT), relative to the key-prefixed
 * client; a key's scope is in its organisation's shard, as QuotaService names them.
 */
export function rateStateKeys(
  organizationId: string,
  apiKeyId: string | null,
  layout: ShardLayout = SINGLE_LAYOUT,
): string[] {
  const scope = apiKeyId
    ? scopeName(layout, organizationId, 'k', apiKeyId)
    : scopeName(layout, organizationId, 'o', organizationId);
  return [`${scope}:rq`, `${scope}:tk`];
}

/** Limit levels, in the order the gateway checks them: organisation, team, key. */
export type ScopeLevel = 'o' | 't' | 'k';

/**
 * A limit scope's Redis name relative to the key prefix, `gw[:{sK}]:<level>:<id>`: in its
 * organisation's shard (the hash tag on a cluster, none on a single Redis), so one admission
 * touches one slot. The one place these names are made (QuotaService adds the prefix).
 */
export function scopeName(
  layout: ShardLayout,
  organizationId: string,
  level: ScopeLevel,
  id: string,
): string {
  const tag = shardTag(layout, shardOf(layout, organizationId));
  return `${tag ? `gw:${tag}` : 'gw'}:${level}:${id}`;
}

/** Announced on the same channel when customer limits change: gateways re-read them (few rows). */
export const CUSTOMER_LIMITS_CHANGED = 'customer-limits';

/** A team's GCRA keys, in its organisation's shard as `rateStateKeys` names organisations' and keys'. */
export function teamRateStateKeys(
  organizationId: string,
  teamId: string,
  layout: ShardLayout = SINGLE_LAYOUT,
): string[] {
  const scope = scopeName(layout, organizationId, 't', teamId);
  return [`${scope}:rq`, `${scope}:tk`];
}
