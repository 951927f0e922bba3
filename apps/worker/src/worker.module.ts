import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { readFileSync } from 'node:fs';
import {
  AuditProducerModule,
  AuditWriterModule,
  LocalKeySigner,
  parsePolicy,
  TreeHeadSigner,
  type Witness,
} from '@velvet/audit';
import { loggerOptions, MetricsModule, READINESS_PROBE } from '@velvet/common';
import { AuditWorkerGauges } from './metrics/audit-worker-gauges';
import { PartitionUpkeep } from './maintenance/partition-upkeep';
import { ContractFactsModule, ContractsWorkerModule } from '@velvet/contracts';
import { dataSourceOptions } from '@velvet/database';
import { EntitlementsWorkerModule, usageIngestWithEvaluations } from '@velvet/entitlements';
import { QueueModule, QueueName, redisSettings } from '@velvet/queue';
import { BudgetAlertsModule } from '@velvet/teams';
import { LoggerModule } from 'nestjs-pino';
import { AuditAppender } from './audit/audit-appender';
import { AuditLogProcessor } from './audit/audit-log.processor';
import { GatewayAuditIntake } from './audit/gateway-audit.intake';
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
const DOMAIN_MODULES: Array<Type | DynamicModule> = [
  EntitlementsWorkerModule,
  ContractFactsModule,
  ContractsWorkerModule,
];
// GatewayAuditIntake writes the gateway's premium-call events from their Redis stream into the log.
const PROCESSORS: Provider[] = [
  AuditAppender,
  AuditLogProcessor,
  AuditMaintenanceProcessor,
  GatewayAuditIntake,
];

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.LOG_LEVEL, 'worker')),
        MetricsModule.forRoot({
          app: 'worker',
          port: env.METRICS_PORT,
          host: env.METRICS_HOST,
          token: env.METRICS_TOKEN,
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: env.DATABASE_URL, applicationName: 'velvet-worker' }),
        }),
        QueueModule.forRoot({ ...redisSettings(env), prefix: env.QUEUE_PREFIX }),
        BullModule.registerQueue(...QUEUES.map((name) => ({ name }))),
        AuditProducerModule,
        AuditWriterModule.forRoot({
          signer: signerFor(env),
          witnesses: witnessesFor(env),
          witnessTimeoutMs: env.AUDIT_WITNESS_TIMEOUT_MS,
        }),
        ...DOMAIN_MODULES,
        // The gateways' usage stream into usage_records, off the gateways' event loops.
        usageIngestWithEvaluations({
          ...redisSettings(env),
          prefix: env.QUEUE_PREFIX,
          claimIdleMs: env.USAGE_INGEST_CLAIM_IDLE_MS,
          intervalMs: env.USAGE_INGEST_INTERVAL_MS,
        }),
        BudgetAlertsModule.forWorker(budgetAlertOptions(env)),
      ],
      providers: [
        {
          provide: AUDIT_WORKER_OPTIONS,
          useValue: {
            concurrency: env.AUDIT_WORKER_CONCURRENCY,
            batchSize: env.AUDIT_BATCH_SIZE,
            batchWaitMs: env.AUDIT_BATCH_WAIT_MS,
            dbOutageWaitMs: env.AUDIT_DB_OUTAGE_WAIT_MS,
            intakeConsumers: env.AUDIT_INTAKE_CONSUMERS,
            intakeClaimIdleMs: env.AUDIT_INTAKE_CLAIM_IDLE_MS,
            treeHeadIntervalMs: env.AUDIT_TREE_HEAD_INTERVAL_MS,
            textPurgeIntervalMs: env.AUDIT_TEXT_PURGE_INTERVAL_MS,
            rowSweepIntervalMs: env.AUDIT_ROW_SWEEP_INTERVAL_MS,
          },
        },
        ...PROCESSORS,
        AuditWorkerGauges,
        PartitionUpkeep,
        { provide: READINESS_PROBE, useExisting: AuditWorkerGauges },
      ],
    };
  }
}

/** Budget alerts (scan, e-mail, webhooks) run here, not in the portal API. */
export const budgetAlertOptions = (env: WorkerEnv) => ({
  smtpUrl: env.SMTP_URL,
  mailFrom: env.MAIL_FROM,
  scanEveryMs: env.BUDGET_ALERT_SCAN_MS,
  retryBackoffMs: env.BUDGET_ALERT_RETRY_MS,
  allowPrivateWebhookTargets: env.BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE,
});

/** The key stays in this process: read from its 0600 file (a KMS would implement AuditKeySigner instead). */
function signerFor(env: WorkerEnv): TreeHeadSigner {
  if (env.AUDIT_SIGNING_KEY_FILE)
    return new TreeHeadSigner(
      LocalKeySigner.fromFile(env.AUDIT_SIGNING_KEY_FILE),
      env.AUDIT_LOG_ORIGIN,
    );
  new Logger('WorkerModule').warn(
    'AUDIT_SIGNING_KEY_FILE is not set: tree heads are signed with a throwaway key',
  );
  return TreeHeadSigner.ephemeral(env.AUDIT_LOG_ORIGIN);
}

function witnessesFor(env: WorkerEnv): Witness[] {
  return env.AUDIT_WITNESS_POLICY_FILE
    ? parsePolicy(readFileSync(env.AUDIT_WITNESS_POLICY_FILE, 'utf8')).witnesses
    : [];
}
