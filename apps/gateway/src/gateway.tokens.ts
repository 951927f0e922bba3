export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

/** Which models an organisation may call now (the entitlement engine's cache). */
export const MODEL_ENTITLEMENTS = Symbol('MODEL_ENTITLEMENTS');
export interface ModelEntitlements {
  invokableModelIds(organizationId: string): Promise<ReadonlySet<string>>;
  /** Why a refused call was refused, from the same load (null: unknown, compute it). */
  refusalFor?(
    organizationId: string,
    tier: string,
    gated: boolean,
  ): { code: string; message: string } | null;
}
