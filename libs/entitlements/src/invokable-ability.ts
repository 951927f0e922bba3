import { type AppAbility, defineAbilityFor, type Principal } from '@velvet/access';
import type { EntitlementCache } from './entitlement-cache';

/** The entitlement engine's result as CASL rules: `can(Invoke, 'Model', { id: { $in: unlocked } })`. */
export async function abilityWithEntitlements(
  principal: Principal,
  cache: EntitlementCache,
): Promise<AppAbility> {
  const organizationId = principal.organizationId;
  const invokableModelIds = organizationId
    ? [...(await cache.invokableModelIds(organizationId))]
    : [];
  return defineAbilityFor(principal, { invokableModelIds });
}
