import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRetentionService } from '@velvet/audit';
import { EntitlementsModule } from '@velvet/entitlements';
import { QueueName } from '@velvet/queue';
import {
  ContractLifecycleProcessor,
  ContractLifecycleSchedule,
} from './contract-lifecycle.processor';
import { ContractLifecycleService } from './contract-lifecycle.service';
import { ContractOverlaps } from './contract-overlaps';
import { ContractRetentionService } from './contract-retention.service';
import { ContractReviewService } from './contract-review.service';
import { CONTRACT_ENTITIES } from './contracts.entities';
import { ContractsService } from './contracts.service';
import { StatementsService } from './statements.service';

/** Contracts for the API: requests, review, statements. Needs an `AdminActivityLog` provider. */
@Module({
  imports: [
    TypeOrmModule.forFeature(CONTRACT_ENTITIES),
    EntitlementsModule,
    BullModule.registerQueue({ name: QueueName.Contracts }),
  ],
  providers: [
    ContractsService,
    ContractReviewService,
    ContractLifecycleService,
    StatementsService,
    ContractRetentionService,
    AuditRetentionService,
    ContractOverlaps,
  ],
  exports: [ContractsService, ContractReviewService, ContractLifecycleService, StatementsService],
})
export class ContractsModule {}

/** For the worker app only: activation and expiry on their dates. */
@Module({
  imports: [ContractsModule, BullModule.registerQueue({ name: QueueName.Contracts })],
  providers: [ContractLifecycleProcessor, ContractLifecycleSchedule],
})
export class ContractsWorkerModule {}
