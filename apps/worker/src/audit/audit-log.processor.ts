import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { type AppendOutcome, type AuditEntry, prepareEntry } from '@velvet/audit';
import { QueueName } from '@velvet/queue';
import type { Job } from 'bullmq';
import { AuditAppender } from './audit-appender';
import { AUDIT_WORKER_OPTIONS, type AuditWorkerOptions } from './audit-worker.options';

/**
 * Audit jobs: admin actions (added inside the transaction of the change they record) and gateway
 * entries the log refused for their data (retried here, kept as failed jobs). Many at once (high
 * concurrency), each prepared (leaf, hash, COPY row) and handed to the appender. A job completes
 * only after its batch committed, so a killed worker loses nothing: its active jobs stall, are
 * redelivered, and the writer skips the duplicates.
 */
@Processor(QueueName.Audit, {
  concurrency: 1,
  maxStalledCount: 100,
  lockDuration: 20_000,
  stalledInterval: 10_000,
})
export class AuditLogProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly appender: AuditAppender,
    @Inject(AUDIT_WORKER_OPTIONS) private readonly options: AuditWorkerOptions,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.options.concurrency;
  }

  async process(job: Job<AuditEntry>): Promise<AppendOutcome> {
    const outcome = await this.appender.append(prepareEntry(job.data));
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}
