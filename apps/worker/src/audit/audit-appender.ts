import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  appendResiliently,
  type AppendOutcome,
  AuditLogWriter,
  Batcher,
  type PreparedEntry,
} from '@velvet/audit';
import { AUDIT_WORKER_OPTIONS, type AuditWorkerOptions } from './audit-worker.options';

/**
 * The one way into the log in this process: prepared entries (from the gateway's stream and from
 * the audit queue alike) are gathered into batches appended in one transaction each (group commit;
 * the writer's tree lock orders the batches of several processes). Each caller's promise settles
 * with its entry's outcome only after its batch committed, or with an Error when PostgreSQL stayed
 * away longer than AUDIT_DB_OUTAGE_WAIT_MS or refused that entry for its data.
 */
@Injectable()
export class AuditAppender implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditAppender.name);
  private readonly batcher: Batcher<PreparedEntry, AppendOutcome | Error>;

  constructor(writer: AuditLogWriter, @Inject(AUDIT_WORKER_OPTIONS) options: AuditWorkerOptions) {
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

  append(entry: PreparedEntry): Promise<AppendOutcome | Error> {
    return this.batcher.add(entry);
  }

  /** A reader's whole batch, kept together (see Batcher.addAll). */
  appendAll(entries: readonly PreparedEntry[]): Array<Promise<AppendOutcome | Error>> {
    return this.batcher.addAll(entries);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
  }
}
