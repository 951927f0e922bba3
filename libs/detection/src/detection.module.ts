import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntitlementsModule } from '@velvet/entitlements';
import { LimitsModule } from '@velvet/metering';
import { QueueName } from '@velvet/queue';
import { AlertCasesService } from './cases/alert-cases.service';
import { ThrottlesService } from './cases/throttles.service';
import { DETECTION_ENTITIES } from './entities';
import { ProvenanceService } from './provenance/provenance.service';
import { AlertCaseWriter } from './run/alert-case.writer';
import { AuditFeatureReader } from './run/audit-feature.reader';
import { DetectionRunProcessor } from './run/detection-run.processor';
import { DetectionRunService } from './run/detection-run.service';
import { DetectionSweep } from './run/detection-sweep';
import { DetectionScheduler } from './run/detection.scheduler';
import { RiskScoresReader } from './run/risk-scores.reader';

/**
 * Detection for the portal API: cases, provenance, on-demand runs. Needs `QueueModule.forRoot`,
 * the TypeORM root and a global `AdminActivityLog` (the audit module's).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(DETECTION_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Detection }),
    EntitlementsModule,
    LimitsModule,
  ],
  providers: [AlertCasesService, ThrottlesService, ProvenanceService, DetectionScheduler, DetectionRunService, AuditFeatureReader, AlertCaseWriter, RiskScoresReader],
  exports: [AlertCasesService, ThrottlesService, ProvenanceService, DetectionScheduler, DetectionRunService, RiskScoresReader],
})
export class DetectionModule {}

/** For the worker app only: consumes the Detection queue and schedules the periodic sweep. */
@Module({
  imports: [DetectionModule, BullModule.registerQueue({ name: QueueName.Detection })],
  providers: [DetectionRunProcessor, DetectionSweep],
})
export class DetectionWorkerModule {}
