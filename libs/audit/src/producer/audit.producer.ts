import { getSharedConfigToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AdminAction } from '@velvet/common';
import { connectionWith, QueueName } from '@velvet/queue';
import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq';
import type { PremiumCallEvent } from '../premium-call.event';
import type { AuditEntry } from './audit-entry';
import { adminActionEntry, premiumCallEntry } from './audit-entry.factory';
import { AUDIT_JOB_NAME, type AdminActionEntry } from './audit-entry';
import { AUDIT_JOB_OPTIONS, DEFAULT_ENQUEUE_TIMEOUT_MS } from './audit-queue';
import { AuditException } from './audit.exception';

export const AUDIT_PRODUCER_OPTIONS = Symbol('AUDIT_PRODUCER_OPTIONS');

export interface AuditProducerOptions {
  enqueueTimeoutMs?: number;
}

/**
 * Puts entries on the audit queue and resolves only once Redis has accepted them. Its own
 * connection has no offline queue, so while Redis is down an add fails at once instead of
 * waiting in memory: the gateway then refuses the premium call (fail closed).
 */
@Injectable()
export class AuditProducer implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditProducer.name);
  private readonly queue: Queue;
  private readonly timeoutMs: number;
  private readonly closeConnection: () => Promise<void>;

  constructor(
    @Inject(getSharedConfigToken()) shared: QueueOptions,
    @Inject(AUDIT_PRODUCER_OPTIONS) options: AuditProducerOptions,
  ) {
    const { connection, close } = connectionWith(shared.connection, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    this.closeConnection = close;
    this.queue = new Queue(QueueName.Audit, {
      prefix: shared.prefix,
      connection: connection as ConnectionOptions,
      // (set only when tracing is on) an admin action's job continues the trace of the change it records
      telemetry: shared.telemetry,
    });
    // Without a listener an unreachable Redis would crash the process; the failed add is what matters.
    this.queue.on('error', (error) => this.logger.warn(`audit queue connection: ${error.message}`));
    this.timeoutMs = options.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  }

  /** Hashes and fingerprints the call and enqueues it (job id = request id). Rejects with `audit_unavailable`. */
  recordPremiumCall(event: PremiumCallEvent): Promise<void> {
    return this.enqueue(premiumCallEntry(event));
  }

  recordAdminAction(action: AdminAction): Promise<void> {
    return this.enqueue(adminActionEntry(action));
  }

  /** For scripts and benchmarks that build entries themselves. */
  async enqueue(entry: AuditEntry | AdminActionEntry): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`audit enqueue timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([
        this.queue.add(AUDIT_JOB_NAME, entry, {
          ...AUDIT_JOB_OPTIONS,
          jobId: jobIdOf(entry.eventId),
        }),
        timeout,
      ]);
    } catch (error) {
      this.logger.error(`audit entry ${entry.eventId} not accepted: ${(error as Error).message}`);
      throw AuditException.unavailable();
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await this.closeConnection().catch(() => undefined);
  }
}

/** BullMQ job ids may be neither integers nor contain ':'; a fixed prefix and '_' for ':' keep them unique. */
export const jobIdOf = (eventId: string): string => `a-${eventId.replace(/:/g, '_')}`;
