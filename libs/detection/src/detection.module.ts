import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
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
import {
  DETECTION_RUN_OPTIONS,
  DetectionRunService,
  type DetectionRunOptions,
} from './run/detection-run.service';
import { DetectionSweep } from './run/detection-sweep';
import { DetectionScheduler } from './run/detection.scheduler';
import { RiskScoresReader } from './run/risk-scores.reader';
import { HorizonReader } from './run/horizon.reader';

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
  providers: [
    AlertCasesService,
    ThrottlesService,
    ProvenanceService,
    DetectionScheduler,
    DetectionRunService,
    AuditFeatureReader,
    HorizonReader,
    AlertCaseWriter,
    RiskScoresReader,
  ],
  exports: [
    AlertCasesService,
    ThrottlesService,
    ProvenanceService,
    DetectionScheduler,
    DetectionRunService,
    RiskScoresReader,
  ],
})
export class DetectionModule {}

/**
 * For the detection worker app only (apps/detection-worker): consumes the Detection queue and
 * schedules the periodic sweep. Needs no entitlement or limits machinery: it opens cases, a
 * human acts on them.
 */
@Module({})
export class DetectionWorkerModule {
  static forRoot(options: DetectionRunOptions = {}): DynamicModule {
    return {
      module: DetectionWorkerModule,
      imports: [
        TypeOrmModule.forFeature(DETECTION_ENTITIES),
        BullModule.registerQueue({ name: QueueName.Detection }),
      ],
      providers: [
        { provide: DETECTION_RUN_OPTIONS, useValue: options },
        DetectionRunService,
        AuditFeatureReader,
        HorizonReader,
        AlertCaseWriter,
        DetectionRunProcessor,
        DetectionSweep,
      ],
    };
  }
}
