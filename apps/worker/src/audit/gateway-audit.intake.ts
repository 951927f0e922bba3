import { getSharedConfigToken, InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  AUDIT_JOB_NAME,
  AUDIT_JOB_OPTIONS,
  entryOfAuditStreamRecord,
  isTransient,
  jobIdOf,
  type PremiumCallEntry,
  prepareEntry,
  type PreparedEntry,
} from '@velvet/audit';
import {
  gatewayAuditStream,
  QueueName,
  type StreamEntries,
  StreamConsumer,
  traceparentOf,
} from '@velvet/queue';
import { batchSpans } from '@velvet/telemetry';
import type { Queue, QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { AuditAppender } from './audit-appender';
import { AUDIT_WORKER_OPTIONS, type AuditWorkerOptions } from './audit-worker.options';

const GROUP = 'audit-intake';
/**
 * Entries derived between two yields to the event loop (~1 ms of work): a batch of this process
 * being committed holds the log's tree lock, and each of its round trips waits for the loop.
 */
const YIELD_EVERY = 5;
const NO_FIELDS: string[] = [];

/**
 * The gateway's premium-call events, straight from its Redis stream into the log. The gateway
 * appends each call's event in the same atomic step as its usage record and settlement (so a call
 * is never billed without its audit event, or the reverse); here a consumer group reads them in
 * batches, derives each entry (MinHash, bands, flags, hashes, the event's SHA-256 its receipt
 * signed), hands them to the appender, and acknowledges the stream entries only after their batch
 * committed. Exactly once: a crash leaves them pending, another consumer claims them after
 * AUDIT_INTAKE_CLAIM_IDLE_MS, and the writer skips event ids already in the log. Several consumers
 * per process, so one batch is derived while another is written. An entry the log refuses for its
 * data goes to the audit queue (BullMQ retries it and keeps it as a failed job); while PostgreSQL
 * is away the batch stays unacknowledged and is claimed again.
 */
@Injectable()
export class GatewayAuditIntake implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayAuditIntake.name);
  private readonly consumers: StreamConsumer[];
  /** With tracing on: a span per batch, continuing each call's trace (its entry's field 't'). */
  private readonly spans = batchSpans('gateway_audit append', {
    'messaging.system': 'redis',
    'messaging.destination.name': 'gateway_audit',
    'messaging.operation.type': 'process',
  });

  constructor(
    @Inject(getSharedConfigToken()) shared: QueueOptions,
    @InjectQueue(QueueName.Audit) private readonly queue: Queue,
    private readonly appender: AuditAppender,
    @Inject(AUDIT_WORKER_OPTIONS) options: AuditWorkerOptions,
  ) {
    this.consumers = Array.from(
      { length: options.intakeConsumers },
      () =>
        new StreamConsumer({
          connection: shared.connection as RedisOptions,
          stream: gatewayAuditStream(shared.prefix ?? 'bull'),
          group: GROUP,
          batch: options.batchSize,
          minBatchIntervalMs: options.batchWaitMs,
          claimIdleMs: options.intakeClaimIdleMs,
          handle: (entries) =>
            this.spans
              ? this.spans(entries.map(traceparentOf), () => this.append(entries))
              : this.append(entries),
          onError: (message) => this.logger.error(message),
        }),
    );
  }

  async onModuleInit(): Promise<void> {
    for (const consumer of this.consumers) await consumer.start();
  }

  /** Whether calls are waiting to be written: a read of this process came back full lately. */
  behind(): boolean {
    return this.consumers.some((c) => c.behind());
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private async append(records: StreamEntries): Promise<void> {
    const entries: PremiumCallEntry[] = [];
    const prepared: PreparedEntry[] = [];
    for (let k = 0; k < records.length; k++) {
      if (k > 0 && k % YIELD_EVERY === 0) await yieldToIo();
      const [id, fields] = records[k];
      try {
        // enqueuedAt = when Redis accepted the gateway's finish (the stream id's time)
        const entry = entryOfAuditStreamRecord(fields, new Date(Number(id.split('-')[0])));
        prepared.push(prepareEntry(entry));
        entries.push(entry);
        // the event's JSON is no longer needed while the batch waits for its commit (less for the GC to copy)
        records[k][1] = NO_FIELDS;
      } catch (error) {
        this.logger.error(
          `audit stream entry ${id} is not an audit event; dropped: ${(error as Error).message}`,
        );
      }
    }
    // handed over together, so the read forms whole batches (not cut by the batcher's timer)
    const outcomes = this.appender.appendAll(prepared);
    const results = await Promise.all(outcomes);
    const failed = results.filter((r): r is Error => r instanceof Error);
    if (!failed.length) return;
    // PostgreSQL away: nothing is acknowledged; the batch is claimed again (the committed part is skipped).
    if (failed.some(isTransient))
      throw new Error(`audit batch not written, will be claimed again: ${failed[0].message}`);
    const refused = entries.filter((_, k) => results[k] instanceof Error);
    for (const [k, e] of refused.entries())
      this.logger.error(
        `audit entry ${e.eventId} refused, moved to the audit queue: ${failed[k].message}`,
      );
    await this.queue.addBulk(
      refused.map((data) => ({
        name: AUDIT_JOB_NAME,
        data,
        opts: { ...AUDIT_JOB_OPTIONS, jobId: jobIdOf(data.eventId) },
      })),
    );
  }
}
