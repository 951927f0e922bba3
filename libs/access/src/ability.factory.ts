import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import type { Principal } from './principal';
import { Role } from './roles';
import { Action, type AppAbility } from './subjects';

export interface AbilityContext {
  /** Models the caller's organisation may call now, from the entitlement engine. */
  invokableModelIds?: readonly string[];
}

/**
 * The one place that says who may do what. Pure: the same principal and context always give
 * the same rules, which the API enforces and the web portal receives to hide what would be refused.
 */
export function defineAbilityFor(principal: Principal, context: AbilityContext = {}): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);

  if (principal.kind === 'api_key') {
    can(Action.Invoke, 'Model', { id: { $in: [...(context.invokableModelIds ?? [])] } });
    return build();
  }

  const org = principal.organizationId;
  switch (principal.role) {
    case Role.PlatformAdmin:
      can(Action.Manage, ['Model', 'UnlockRule', 'Staff']);
      can(Action.Read, ['Organization', 'User', 'Contract', 'Entitlement', 'Statement', 'Spend']);
      can(Action.Update, 'Organization', ['verified', 'status']);
      can(Action.Read, ['SsoConnection', 'SsoDomain']);
      break;
    case Role.AccountManager:
      can(Action.Read, [
        'Organization',
        'User',
        'Contract',
        'Entitlement',
        'Statement',
        'Spend',
        'Model',
        'UnlockRule',
      ]);
      can(Action.Review, 'Contract');
      // amend terms under review, or file a request on a customer's behalf (they then may not approve it)
      can([Action.Create, Action.Update], 'Contract');
      can(Action.Update, 'Organization', ['verified']);
      // an SSO domain counts once staff confirmed the customer owns it, like the organisation itself
      can(Action.Read, ['SsoConnection', 'SsoDomain']);
      can(Action.Review, 'SsoDomain');
      can(Action.Read, ['Team', 'Budget']);
      break;
    case Role.SecurityReviewer:
      can(Action.Read, [
        'Organization',
        'User',
        'ApiKey',
        'Contract',
        'Entitlement',
        'Spend',
        'Model',
        'UnlockRule',
      ]);
      can([Action.Read, Action.Export], 'AuditRecord');
      can(Action.Manage, 'AlertCase');
      can(Action.Suspend, ['Organization', 'ApiKey']);
      break;
    case Role.OrgAdmin:
      can(Action.Read, 'Organization', { id: org });
      can(Action.Update, 'Organization', ['name', 'corsAllowedOrigins'], { id: org });
      can([Action.Read, Action.Create, Action.Update, Action.Delete], 'User', {
        organizationId: org,
      });
      can([Action.Read, Action.Create, Action.Delete], ['Invitation', 'ApiKey'], {
        organizationId: org,
      });
      can([Action.Read, Action.Create, Action.Update], 'Contract', { organizationId: org });
      can(Action.Read, ['Entitlement', 'Statement', 'Spend', 'AuditRecord'], {
        organizationId: org,
      });
      can(Action.Export, 'AuditRecord', { organizationId: org });
      can(Action.Read, 'Model');
      can([Action.Read, Action.Update, Action.Delete], 'SsoConnection', { organizationId: org });
      can([Action.Read, Action.Create, Action.Delete], ['SsoDomain', 'ScimToken'], {
        organizationId: org,
      });
      can(Action.Update, 'ApiKey', { organizationId: org });
      can([Action.Read, Action.Create, Action.Update, Action.Delete], 'Team', {
        organizationId: org,
      });
      can([Action.Read, Action.Update], 'Budget', { organizationId: org });
      break;
    case Role.OrgMember:
      can(Action.Read, 'Organization', { id: org });
      can(Action.Read, 'User', { organizationId: org });
      can(Action.Read, ['Entitlement', 'Spend', 'Team'], { organizationId: org });
      can(Action.Read, 'Model');
      break;
  }
  return build();
}
