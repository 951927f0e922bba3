import { Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  appendResiliently,
  type AppendOutcome,
  type AuditEntry,
  AuditLogWriter,
  Batcher,
  type PreparedEntry,
  prepareEntry,
} from '@velvet/audit';
import { QueueName } from '@velvet/queue';
import type { Job } from 'bullmq';
import { AUDIT_WORKER_OPTIONS, type AuditWorkerOptions } from './audit-worker.options';

/**
 * Audit jobs, many at once (high concurrency), each prepared (leaf, hash, COPY row) and handed
 * to a batcher that appends a whole batch in one transaction. A job completes only after its
 * batch committed, so a killed worker loses nothing: its active jobs stall, are redelivered, and
 * the writer skips the duplicates. Several worker processes may run: the writer's tree lock
 * orders their batches.
 */
@Processor(QueueName.Audit, {
  concurrency: 1,
  maxStalledCount: 100,
  lockDuration: 20_000,
  stalledInterval: 10_000,
})
export class AuditLogProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(AuditLogProcessor.name);
  private readonly batcher: Batcher<PreparedEntry, AppendOutcome | Error>;

  constructor(
    writer: AuditLogWriter,
    @Inject(AUDIT_WORKER_OPTIONS) private readonly options: AuditWorkerOptions,
  ) {
    super();
    this.batcher = new Batcher(
      (entries) =>
        appendResiliently((batch) => writer.appendPrepared(batch), entries, {
          maxWaitMs: options.dbOutageWaitMs,
          onRetry: (error, attempt) =>
            this.logger.warn(
              `audit batch of ${entries.length} waiting for PostgreSQL (attempt ${attempt}): ${(error as Error).message}`,
            ),
        }),
      options.batchSize,
      options.batchWaitMs,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.options.concurrency;
  }

  async process(job: Job<AuditEntry>): Promise<AppendOutcome> {
    // Leaf and row are built here, while the previous batch is being written.
    const outcome = await this.batcher.add(prepareEntry(job.data));
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
  }
}
