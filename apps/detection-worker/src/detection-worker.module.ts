import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditProducerModule } from '@velvet/audit';
import { loggerOptions, MetricsModule, READINESS_PROBE } from '@velvet/common';
import { DetectionMetrics } from './metrics/detection-metrics';
import { ContractFactsModule } from '@velvet/contracts';
import { dataSourceOptions } from '@velvet/database';
import { DetectionWorkerModule } from '@velvet/detection';
import { QueueModule, redisSettings } from '@velvet/queue';
import { LoggerModule } from 'nestjs-pino';
import type { DetectionWorkerEnv } from './env';

/**
 * Detection in a process of its own: its runs read hours of audit history and score every
 * organisation, which must never take CPU or a BullMQ slot from the audit writer (the audit worker
 * no longer runs detection). One run at a time, under a time budget, cancelled on SIGTERM.
 */
@Module({})
export class DetectionWorkerAppModule {
  static forRoot(env: DetectionWorkerEnv): DynamicModule {
    return {
      module: DetectionWorkerAppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.LOG_LEVEL, 'detection-worker')),
        MetricsModule.forRoot({
          app: 'detection-worker',
          port: env.METRICS_PORT,
          host: env.METRICS_HOST,
          token: env.METRICS_TOKEN,
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: env.DATABASE_URL,
            applicationName: 'velvet-detection-worker',
          }),
        }),
        QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
        // The global AdminActivityLog that opening a case records into.
        AuditProducerModule,
        // suspending from a case re-evaluates entitlements, which read contracts through this port
        ContractFactsModule,
        DetectionWorkerModule.forRoot({ budgetMs: env.DETECTION_RUN_BUDGET_MS }),
      ],
      providers: [DetectionMetrics, { provide: READINESS_PROBE, useExisting: DetectionMetrics }],
    };
  }
}
