/**
 * Told after a catalog change that can alter who may call which model (a tier added, a model's
 * tier or status changed). The catalog does not know who listens: the app wires the entitlement
 * engine here, so the catalog depends on nothing of entitlements.
 */
export const CATALOG_LISTENER = Symbol('CATALOG_LISTENER');

export interface CatalogListener {
  catalogChanged(): Promise<void> | void;
}
