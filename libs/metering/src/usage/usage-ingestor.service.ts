import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  gatewayUsageStream,
  type StreamEntries,
  StreamConsumer,
  traceparentOf,
} from '@velvet/queue';
import { batchSpans } from '@velvet/telemetry';
import { DataSource } from 'typeorm';
import {
  SPEND_LISTENER,
  type SpendListener,
  USAGE_INGEST_OPTIONS,
  type UsageIngestOptions,
} from '../metering.options';
import { decodeUsage } from './usage.codec';

const GROUP = 'usage-ingest';
/** Entries a dead consumer left unacknowledged are taken over after this long (default). */
const CLAIM_IDLE_MS = 30_000;
/** At most one batch per this interval (default): each costs one statement whatever its size. */
export const USAGE_INGEST_INTERVAL_MS = 200;
/** Rows per batch, at most: at one batch per 200 ms a process still ingests 10,000 calls a second. */
const BATCH_ROWS = 2000;

type Usage = ReturnType<typeof decodeUsage>;

/** velvet_usage_ingest's arrays (migration 1764083000000), in order: type, value of a record. */
const USAGE_ARRAYS: readonly [string, (u: Usage) => unknown][] = [
  ['text', (u) => u.requestId],
  ['uuid', (u) => u.organizationId],
  ['uuid', (u) => u.apiKeyId],
  ['uuid', (u) => u.modelId],
  ['text', (u) => u.tier],
  ['int', (u) => u.inputTokens],
  ['int', (u) => u.outputTokens],
  ['bigint', (u) => u.costMicros.toString()],
  ['text', (u) => u.currency],
  ['int', (u) => u.latencyMs],
  ['text', (u) => u.status],
  ['boolean', (u) => u.streamed],
  ['timestamptz', (u) => u.occurredAt.toISOString()],
];
const INGEST_SQL = `SELECT velvet_usage_ingest(${USAGE_ARRAYS.map(([type], i) => `$${i + 1}::${type}[]`).join(', ')})`;

/**
 * Moves usage records from the Redis stream (written atomically with the spend counters when a
 * call finishes) into `usage_records`, in batches (≤ 2,000 rows, ≤ 1 per `intervalMs`),
 * idempotently (one row per request id, see insert()), acknowledging entries only after the insert
 * commits: a crash re-delivers, never loses or doubles.
 */
@Injectable()
export class UsageIngestor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageIngestor.name);
  private consumer: StreamConsumer | null = null;
  /** With tracing on: a span per batch, continuing each call's trace (its entry's field 't'). */
  private readonly spans = batchSpans('usage_records insert', {
    'messaging.system': 'redis',
    'messaging.destination.name': 'gw_usage',
    'messaging.operation.type': 'process',
  });

  constructor(
    @Inject(USAGE_INGEST_OPTIONS) private readonly options: UsageIngestOptions,
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(SPEND_LISTENER) private readonly listener?: SpendListener,
  ) {}

  get streamKey(): string {
    return gatewayUsageStream(this.options.prefix);
  }

  async onModuleInit(): Promise<void> {
    this.consumer = new StreamConsumer({
      // On a cluster: every shard's usage stream (the base name's shard streams).
      connection: {
        url: this.options.redisUrl,
        clusterNodes: this.options.clusterNodes,
        shards: this.options.shards,
      },
      stream: this.streamKey,
      group: GROUP,
      claimIdleMs: this.options.claimIdleMs ?? CLAIM_IDLE_MS,
      minBatchIntervalMs: this.options.intervalMs ?? USAGE_INGEST_INTERVAL_MS,
      batch: BATCH_ROWS,
      handle: (entries) => this.ingest(entries),
      onError: (message) => this.logger.error(message),
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }

  /** Inserts one batch (the consumer acknowledges it afterwards); public so tests can drive it. */
  async ingest(entries: StreamEntries): Promise<void> {
    if (!entries.length) return;
    if (this.spans) return this.spans(entries.map(traceparentOf), () => this.ingestBatch(entries));
    return this.ingestBatch(entries);
  }

  private async ingestBatch(entries: StreamEntries): Promise<void> {
    const rows: Usage[] = [];
    for (const [id, fields] of entries) {
      try {
        rows.push(decodeUsage(fields[1]));
      } catch {
        // Never written by this code: acknowledged with the batch, so it cannot block the stream.
        this.logger.error(`usage stream entry ${id} is not a usage record; dropped`);
      }
    }
    await this.insert(rows);
    const charged = [
      ...new Set(rows.filter((u) => u.costMicros > 0n).map((u) => u.organizationId)),
    ];
    if (charged.length && this.listener) {
      await Promise.resolve(this.listener.spendRecorded(charged)).catch((e: Error) =>
        this.logger.warn(`spend listener failed: ${e.message}`),
      );
    }
  }

  /**
   * One statement per batch, whatever its size: velvet_usage_ingest serialises batches on an
   * advisory lock and inserts the rows whose request id is not stored yet (the first entry of each
   * id in the batch), in the statement's own transaction.
   */
  private async insert(rows: Usage[]): Promise<void> {
    if (!rows.length) return;
    await this.db.query(
      INGEST_SQL,
      USAGE_ARRAYS.map(([, value]) => rows.map(value)),
    );
  }
}
