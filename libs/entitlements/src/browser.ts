/** Dependency-free entitlement views and formatting, shared by the server and the web portal. */
export { formatMicrosExact } from './exact-amount';
export type { ConditionResult, EntitlementExplanation, ModelEntitlement } from './explanation.view';
