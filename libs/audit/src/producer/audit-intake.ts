import { getSharedConfigToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { gatewayAuditStream, QueueName, type StreamEntries, StreamConsumer } from '@velvet/queue';
import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { AUDIT_JOB_NAME } from './audit-entry';
import { entryOfAuditStreamRecord } from './audit-entry.factory';
import { AUDIT_JOB_OPTIONS } from './audit-queue';
import { jobIdOf } from './audit.producer';

const GROUP = 'audit-intake';

export const AUDIT_INTAKE_OPTIONS = Symbol('AUDIT_INTAKE_OPTIONS');
export interface AuditIntakeOptions {
  /** Entries a killed worker had read but not queued are taken over after this long (default 10 s). */
  claimIdleMs?: number;
}

/**
 * The audit worker's side of the gateway's audit records. The gateway appends each premium call's
 * entry to a Redis stream in the same atomic step as its usage record and settlement (so a call is
 * never billed without its audit entry, or the reverse); this derives each entry (MinHash,
 * bands, flags, hashes: work kept off the gateway's request path) and moves the entries into the
 * audit queue (job id = event id) in batches and acknowledges them only once the queue holds them. A
 * crash redelivers: BullMQ dedupes the job id while the job exists, the writer skips an event id
 * already in the log.
 */
@Injectable()
export class AuditIntake implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuditIntake.name);
  private readonly queue: Queue;
  private readonly consumer: StreamConsumer;

  constructor(
    @Inject(getSharedConfigToken()) shared: QueueOptions,
    @Optional() @Inject(AUDIT_INTAKE_OPTIONS) options: AuditIntakeOptions = {},
  ) {
    this.queue = new Queue(QueueName.Audit, {
      prefix: shared.prefix,
      connection: shared.connection as ConnectionOptions,
    });
    this.queue.on('error', (error) => this.logger.warn(`audit queue connection: ${error.message}`));
    this.consumer = new StreamConsumer({
      connection: shared.connection as RedisOptions,
      stream: gatewayAuditStream(shared.prefix ?? 'bull'),
      group: GROUP,
      batch: 1000,
      minBatchIntervalMs: 10,
      claimIdleMs: options?.claimIdleMs ?? 10_000,
      handle: (entries) => this.enqueue(entries),
      onError: (message) => this.logger.error(message),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.queue.close().catch(() => undefined);
  }

  private async enqueue(entries: StreamEntries): Promise<void> {
    const jobs = [];
    for (const [id, fields] of entries) {
      try {
        const entry = entryOfAuditStreamRecord(fields);
        jobs.push({
          name: AUDIT_JOB_NAME,
          data: entry,
          opts: { ...AUDIT_JOB_OPTIONS, jobId: jobIdOf(entry.eventId) },
        });
      } catch {
        this.logger.error(`audit stream entry ${id} is not an audit entry; dropped`);
      }
    }
    if (jobs.length) await this.queue.addBulk(jobs);
  }
}
