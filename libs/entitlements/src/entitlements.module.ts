import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@velvet/queue';
import {
  EntitlementEvaluation,
  OrganizationEntitlement,
} from './entities/organization-entitlement.entity';
import { OrganizationSuspension } from './entities/organization-suspension.entity';
import { UnlockRuleChange, UnlockRuleGrandfathering } from './entities/unlock-rule-change.entity';
import { UnlockRule } from './entities/unlock-rule.entity';
import { EntitlementCache } from './entitlement-cache';
import { EntitlementEngine } from './entitlement-engine.service';
import { EntitlementsScheduler } from './entitlements.scheduler';
import { EntitlementsSweep } from './entitlements-sweep';
import { EvaluateEntitlementsProcessor } from './evaluate-entitlements.processor';
import { ExplanationService } from './explanation.service';
import { ImmediateEvaluation } from './immediate-evaluation';
import { UnlockRuleImpact } from './unlock-rule-impact';
import { SuspensionsService } from './suspensions.service';
import { UnlockRulesService } from './unlock-rules.service';

export const ENTITLEMENT_ENTITIES = [
  UnlockRule,
  UnlockRuleChange,
  UnlockRuleGrandfathering,
  OrganizationSuspension,
  OrganizationEntitlement,
  EntitlementEvaluation,
];

/**
 * Entitlements for any app: the cache (gateway), the scheduler (gateway, contracts), the engine,
 * suspensions, rules and explanations. Needs `QueueModule.forRoot`, an `AdminActivityLog` provider
 * and the contract facts port (`CONTRACT_FACTS`: import `ContractFactsModule` from the contracts lib).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(ENTITLEMENT_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Entitlements }),
  ],
  providers: [
    EntitlementCache,
    EntitlementEngine,
    EntitlementsScheduler,
    SuspensionsService,
    UnlockRulesService,
    ExplanationService,
    ImmediateEvaluation,
    UnlockRuleImpact,
  ],
  exports: [
    EntitlementCache,
    EntitlementEngine,
    EntitlementsScheduler,
    SuspensionsService,
    UnlockRulesService,
    ExplanationService,
    ImmediateEvaluation,
  ],
})
export class EntitlementsModule {}

/** For the worker app only: consumes the Entitlements queue and keeps windows sliding. */
@Module({
  imports: [EntitlementsModule, BullModule.registerQueue({ name: QueueName.Entitlements })],
  providers: [EvaluateEntitlementsProcessor, EntitlementsSweep],
})
export class EntitlementsWorkerModule {}
