import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule, AuditWriterModule, TreeHeadSigner } from '@velvet/audit';
import { loggerOptions } from '@velvet/common';
import { ContractsWorkerModule } from '@velvet/contracts';
import { dataSourceOptions } from '@velvet/database';
import { EntitlementsWorkerModule } from '@velvet/entitlements';
import { QueueModule, QueueName } from '@velvet/queue';
import { LoggerModule } from 'nestjs-pino';
import { AuditLogProcessor } from './audit/audit-log.processor';
import { AuditMaintenanceProcessor } from './audit/audit-maintenance.processor';
import { AUDIT_WORKER_OPTIONS } from './audit/audit-worker.options';
import type { WorkerEnv } from './env';

/**
 * Every BullMQ processor of the product runs here. To add yours: put your queue in QUEUES,
 * your domain module in DOMAIN_MODULES and your processor class in PROCESSORS.
 */
const QUEUES: QueueName[] = [QueueName.Audit, QueueName.AuditMaintenance];
// contracts (activation/expiry job scheduler) and entitlements (evaluation processor + periodic sweep)
// Detection runs in its own process (apps/detection-worker), so it never takes CPU from the audit writer.
const DOMAIN_MODULES: Array<Type | DynamicModule> = [EntitlementsWorkerModule, ContractsWorkerModule];
const PROCESSORS: Provider[] = [AuditLogProcessor, AuditMaintenanceProcessor];

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.LOG_LEVEL, 'audit-worker')),
        TypeOrmModule.forRoot({ ...dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-audit-worker' }) }),
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX }),
        BullModule.registerQueue(...QUEUES.map((name) => ({ name }))),
        AuditModule,
        AuditWriterModule.forRoot({ signer: signerFor(env) }),
        ...DOMAIN_MODULES,
      ],
      providers: [
        {
          provide: AUDIT_WORKER_OPTIONS,
          useValue: {
            concurrency: env.AUDIT_WORKER_CONCURRENCY,
            batchSize: env.AUDIT_BATCH_SIZE,
            batchWaitMs: env.AUDIT_BATCH_WAIT_MS,
            dbOutageWaitMs: env.AUDIT_DB_OUTAGE_WAIT_MS,
            treeHeadIntervalMs: env.AUDIT_TREE_HEAD_INTERVAL_MS,
            textPurgeIntervalMs: env.AUDIT_TEXT_PURGE_INTERVAL_MS,
          },
        },
        ...PROCESSORS,
      ],
    };
  }
}

function signerFor(env: WorkerEnv): TreeHeadSigner {
  if (env.AUDIT_SIGNING_KEY) return TreeHeadSigner.fromEnv(env.AUDIT_SIGNING_KEY);
  new Logger('WorkerModule').warn('AUDIT_SIGNING_KEY is not set: tree heads are signed with a throwaway key');
  return TreeHeadSigner.ephemeral();
}
