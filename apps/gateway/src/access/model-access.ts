import { subject } from '@casl/ability';
import { Inject, Injectable } from '@nestjs/common';
import { Action, type ApiKeyPrincipal, type AppAbility, defineAbilityFor } from '@velvet/access';
import type { CatalogEntry } from '../catalog/model-catalog';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV, MODEL_ENTITLEMENTS, type ModelEntitlements } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';

/**
 * May this key call this model? The entitlement engine says which models the organisation may
 * invoke; CASL (`defineAbilityFor`) turns that into the decision, as everywhere else. Abilities are
 * memoised per entitlement set: an API key's rules depend only on that set, and the cache hands
 * out a new set object whenever it changes.
 */
@Injectable()
export class ModelAccess {
  private readonly abilities = new WeakMap<ReadonlySet<string>, AppAbility>();

  constructor(
    @Inject(MODEL_ENTITLEMENTS) private readonly entitlements: ModelEntitlements,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  async ability(principal: ApiKeyPrincipal): Promise<AppAbility> {
    let ids: ReadonlySet<string>;
    try {
      ids = await this.entitlements.invokableModelIds(principal.organizationId);
    } catch {
      throw OpenAIError.unavailable('The gateway cannot check entitlements right now; retry shortly.');
    }
    let ability = this.abilities.get(ids);
    if (!ability) {
      ability = defineAbilityFor(principal, { invokableModelIds: [...ids] });
      this.abilities.set(ids, ability);
    }
    return ability;
  }

  static canInvoke(ability: AppAbility, entry: CatalogEntry): boolean {
    return ability.can(Action.Invoke, subject('Model', { id: entry.model.id, slug: entry.model.slug, tier: entry.model.tier } as Record<string, unknown>));
  }

  async assertInvokable(principal: ApiKeyPrincipal, entry: CatalogEntry): Promise<void> {
    if (ModelAccess.canInvoke(await this.ability(principal), entry)) return;
    const url = `${this.env.PORTAL_PUBLIC_URL}/organizations/${principal.organizationId}/entitlements`;
    throw new OpenAIError(
      403,
      'invalid_request_error',
      'model_locked',
      `The model \`${entry.model.slug}\` (${entry.model.tier} tier) is locked for your organisation: its unlock rule ` +
        `(contract, qualifying spend, verification, security standing) is not met. ` +
        `See which conditions hold and what is missing: GET ${url} (portal API, signed in as an organisation member; entry for model id ${entry.model.id}).`,
      'model',
    );
  }
}
