export { CONTRACT_FACTS, type ContractFact, type ContractFacts } from './contract-facts.port';
export { dualApprovalAboveMicros } from './dual-approval.query';
export { type DatedRefusal, EntitlementCache } from './entitlement-cache';
export { EntitlementEngine } from './entitlement-engine.service';
export { ALL_ORGANIZATIONS } from './entitlements.constants';
export {
  ENTITLEMENT_ENTITIES,
  EntitlementsModule,
  EntitlementsWorkerModule,
} from './entitlements.module';
export { EntitlementsScheduler } from './entitlements.scheduler';
export { formatMicrosExact } from './exact-amount';
export { ExplanationService } from './explanation.service';
export type { EntitlementExplanation, Refusal } from './explanation.view';
export { ImmediateEvaluation } from './immediate-evaluation';
export { abilityWithEntitlements } from './invokable-ability';
export { usageIngestWithEvaluations } from './spend-evaluations';
export { SuspensionsService } from './suspensions.service';
export { UnlockRulesService } from './unlock-rules.service';
