import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditRetentionService, AuditRowSweep, TreeHeadPublisher } from '@velvet/audit';
import { QueueName } from '@velvet/queue';
import type { Job, Queue } from 'bullmq';
import { AUDIT_WORKER_OPTIONS, type AuditWorkerOptions } from './audit-worker.options';
import { GatewayAuditIntake } from './gateway-audit.intake';

export enum AuditMaintenanceJob {
  PublishTreeHead = 'publish-tree-head',
  PurgeTexts = 'purge-texts',
  SweepRows = 'sweep-rows',
}

/**
 * The scheduled row sweep is spread over this share of its interval (see AuditRowSweep); the rest
 * is what it may wait for the writer's backlogs.
 */
const ROW_SWEEP_SPREAD = 0.5;

/**
 * Scheduled: sign a tree head when the log grew; purge texts whose retention ended; re-check rows
 * against their leaves. Two at a time: the paced row sweep holds one slot for up to half its
 * interval, and tree heads must not wait for it (they are safe to overlap: several worker
 * processes already run these jobs side by side).
 */
@Processor(QueueName.AuditMaintenance, { concurrency: 2 })
export class AuditMaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditMaintenanceProcessor.name);

  constructor(
    @InjectQueue(QueueName.AuditMaintenance) private readonly queue: Queue,
    private readonly heads: TreeHeadPublisher,
    private readonly retention: AuditRetentionService,
    private readonly sweep: AuditRowSweep,
    private readonly intake: GatewayAuditIntake,
    @Inject(AUDIT_WORKER_OPTIONS) private readonly options: AuditWorkerOptions,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    // Schedulers are idempotent by id: several workers share one schedule.
    const opts = { removeOnComplete: true, removeOnFail: 100 };
    await this.queue.upsertJobScheduler(
      AuditMaintenanceJob.PublishTreeHead,
      { every: this.options.treeHeadIntervalMs },
      {
        name: AuditMaintenanceJob.PublishTreeHead,
        opts,
      },
    );
    await this.queue.upsertJobScheduler(
      AuditMaintenanceJob.PurgeTexts,
      { every: this.options.textPurgeIntervalMs },
      {
        name: AuditMaintenanceJob.PurgeTexts,
        opts,
      },
    );
    await this.queue.upsertJobScheduler(
      AuditMaintenanceJob.SweepRows,
      { every: this.options.rowSweepIntervalMs },
      {
        name: AuditMaintenanceJob.SweepRows,
        opts,
      },
    );
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case AuditMaintenanceJob.PublishTreeHead:
        return (await this.heads.publish())?.treeSize ?? null;
      case AuditMaintenanceJob.PurgeTexts: {
        const purged = await this.retention.purgeExpired();
        if (purged) this.logger.log(`purged ${purged} expired audit texts`);
        return purged;
      }
      case AuditMaintenanceJob.SweepRows:
        return (
          await this.sweep.sweep({
            spreadOverMs: this.options.rowSweepIntervalMs * ROW_SWEEP_SPREAD,
            // a shutting-down worker ends the pass; the next scheduled one starts over
            stopped: () => this.worker.closing !== undefined,
            // a burst of calls to write gets the cores; the pass still ends within its interval
            writerBehind: () => this.intake.behind(),
          })
        ).length;
      default:
        throw new Error(`unknown audit maintenance job ${job.name}`);
    }
  }
}
