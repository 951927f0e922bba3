import { API_KEYS_RELATION } from '@velvet/api-keys';
import type { EntityManager } from 'typeorm';

/** A capped scope's spend since a moment, beside its cap (micros as decimal strings). */
export interface CappedScopeSpend {
  organization_id: string;
  scope: 'organization' | 'team' | 'api_key';
  scope_id: string;
  cap: string;
  spent: string;
}

/**
 * Every scope with a monthly spend cap, and its spend since `from` from the usage records (the
 * settled truth); a team's spend is that of its keys as they are now. Metering's read port for
 * budget alerts.
 */
export function cappedScopeSpend(em: EntityManager, from: Date): Promise<CappedScopeSpend[]> {
  return em.query(
    `SELECT c.organization_id,
            CASE WHEN c.api_key_id IS NOT NULL THEN 'api_key'
                 WHEN c.team_id IS NOT NULL THEN 'team' ELSE 'organization' END AS scope,
            coalesce(c.api_key_id, c.team_id, c.organization_id) AS scope_id,
            c.spend_cap_micros::text AS cap,
            (SELECT coalesce(sum(u.cost_micros), 0) FROM usage_records u
              WHERE u.organization_id = c.organization_id AND u.occurred_at >= $1
                AND (c.api_key_id IS NULL OR u.api_key_id = c.api_key_id)
                AND (c.team_id IS NULL OR u.api_key_id IN (SELECT k.id FROM ${API_KEYS_RELATION} k WHERE k.team_id = c.team_id))
            )::text AS spent
       FROM customer_limits c
      WHERE c.spend_cap_micros > 0`,
    [from],
  );
}
