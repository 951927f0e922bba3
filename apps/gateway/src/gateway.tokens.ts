import type { DatedRefusal } from '@velvet/entitlements';

export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

/** Which models an organisation may call now (the entitlement engine's cache). */
export const MODEL_ENTITLEMENTS = Symbol('MODEL_ENTITLEMENTS');
export interface ModelEntitlements {
  invokableModelIds(organizationId: string): Promise<ReadonlySet<string>>;
  /** Why a refused call was refused, from the same load, and as of when (null: unknown, compute it). */
  refusalFor?(organizationId: string, tier: string, gated: boolean): DatedRefusal | null;
}
