import { subject } from '@casl/ability';
import { Inject, Injectable } from '@nestjs/common';
import { Action, type ApiKeyPrincipal, type AppAbility, defineAbilityFor } from '@velvet/access';
import type { EntitlementExplanation, Refusal } from '@velvet/entitlements';
import type { CatalogEntry } from '../catalog/model-catalog';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV, MODEL_ENTITLEMENTS, type ModelEntitlements } from '../gateway.tokens';
import { OpenAIError } from '../http/openai-error';
import { RefusalExplainer } from './refusal-explainer';

/** Where a developer holding only an API key reads the full explanation (see OrganizationEntitlementsController). */
export const GATEWAY_EXPLANATION_PATH = '/v1/organization/entitlements';

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
    private readonly explainer: RefusalExplainer,
  ) {}

  async ability(principal: ApiKeyPrincipal): Promise<AppAbility> {
    let ids: ReadonlySet<string>;
    try {
      ids = await this.entitlements.invokableModelIds(principal.organizationId);
    } catch {
      throw OpenAIError.unavailable(
        'The gateway cannot check entitlements right now; retry shortly.',
      );
    }
    const allowed = principal.allowedModelIds;
    // A key with an allow-list gets the intersection (rare: not memoised, built per call).
    if (allowed)
      return defineAbilityFor(principal, {
        invokableModelIds: [...ids].filter((id) => allowed.includes(id)),
      });
    let ability = this.abilities.get(ids);
    if (!ability) {
      ability = defineAbilityFor(principal, { invokableModelIds: [...ids] });
      this.abilities.set(ids, ability);
    }
    return ability;
  }

  static canInvoke(ability: AppAbility, entry: CatalogEntry): boolean {
    return ability.can(
      Action.Invoke,
      subject('Model', {
        id: entry.model.id,
        slug: entry.model.slug,
        tier: entry.model.tier,
      } as Record<string, unknown>),
    );
  }

  async assertInvokable(principal: ApiKeyPrincipal, entry: CatalogEntry): Promise<void> {
    if (ModelAccess.canInvoke(await this.ability(principal), entry)) return;
    if (!ModelAccess.allowedForKey(principal, entry.model.id)) {
      throw new OpenAIError(
        403,
        'invalid_request_error',
        'model_not_allowed_for_key',
        `This API key may not call the model \`${entry.model.slug}\`: it is not on the key's model allow-list, which the organisation's admin sets.`,
        'model',
      );
    }
    throw await this.refusal(principal, entry);
  }

  /** The key's own allow-list (null: every model the organisation may call). */
  static allowedForKey(principal: ApiKeyPrincipal, modelId: string): boolean {
    return !principal.allowedModelIds || principal.allowedModelIds.includes(modelId);
  }

  /**
   * The 403 names the true reason (organisation disabled, suspended, contract ended, spend short by X,
   * verification missing) as its code and message: the reason the entitlement cache loaded together
   * with the answer (each evaluation stores it and announces when it changes), else computed live. It
   * links to the full explanation twice: on the gateway with the key the developer holds, and on the
   * portal for the organisation's admins.
   */
  private async refusal(principal: ApiKeyPrincipal, entry: CatalogEntry): Promise<OpenAIError> {
    const { slug, tier } = entry.model;
    const organizationId = principal.organizationId;
    // the reason the entitlement cache loaded with the answer it just gave: no extra query
    const stored = this.entitlements.refusalFor?.(organizationId, tier, entry.gated) ?? null;
    // unless this gateway explained the organisation live since that reason's facts were read
    const newer = stored && this.explainer.newerThan(organizationId, stored.asOf);
    const reason = newer
      ? (ModelAccess.reasonIn(newer, entry) ?? stored.refusal)
      : (stored?.refusal ?? (await this.liveReason(principal, entry)));
    const portal = `${this.env.PORTAL_PUBLIC_URL}/app/`;
    const links =
      `Full explanation: GET ${GATEWAY_EXPLANATION_PATH} on this gateway with this API key, ` +
      `or the dashboard at ${portal} (organisation members).`;
    const code = reason?.code ?? 'model_locked';
    const why = reason ? `${reason.message}.` : 'its unlock rule is not met.';
    const message =
      code === 'organization_disabled'
        ? `This organisation is disabled; contact your account manager. ${links}`
        : `The model \`${slug}\` (${tier} tier) is locked for your organisation: ${why} ${links}`;
    // A contract that ended is a hard stop, like an exhausted spend cap: 429 insufficient_quota that
    // the SDKs are told not to retry (they would otherwise sleep and retry a refusal that stands).
    if (code === 'contract_ended') {
      return new OpenAIError(429, 'insufficient_quota', code, message, 'model', {
        'x-should-retry': 'false',
      });
    }
    return new OpenAIError(403, 'invalid_request_error', code, message, 'model');
  }

  /** When the cache has no reason (e.g. a term lapsed since the last evaluation): evaluate now. */
  private async liveReason(
    principal: ApiKeyPrincipal,
    entry: CatalogEntry,
  ): Promise<Refusal | null> {
    try {
      return ModelAccess.reasonIn(await this.explainer.explain(principal.organizationId), entry);
    } catch {
      return null; // the refusal stands; only its reason is unknown
    }
  }

  /** The model's refusal in an explanation (null when the explanation does not list the model). */
  private static reasonIn(
    explanation: EntitlementExplanation,
    entry: CatalogEntry,
  ): Refusal | null {
    const model = explanation.models.find((m) => m.modelId === entry.model.id);
    // served by the rules already, refused by this process's cache for a moment longer
    return model
      ? (model.refusal ?? {
          code: 'entitlement_pending',
          message: 'access was just granted; retry in a second',
        })
      : null;
  }
}
