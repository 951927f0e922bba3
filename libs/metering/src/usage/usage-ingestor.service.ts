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
/** pg_advisory_xact_lock key serialising usage batches (any constant unique to this use). */
const USAGE_INGEST_LOCK = 7_140_001;
/** Entries a dead consumer left unacknowledged are taken over after this long (default). */
const CLAIM_IDLE_MS = 30_000;
/** At most one batch per this interval (default): each costs the same few queries whatever its size. */
export const USAGE_INGEST_INTERVAL_MS = 200;
/**
 * Rows per batch, at most: 13 parameters each stays under PostgreSQL's 65,535, and at one batch per
 * 200 ms a process still ingests 10,000 calls a second.
 */
const BATCH_ROWS = 2000;

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
    const rows = [];
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

  private async insert(rows: ReturnType<typeof decodeUsage>[]): Promise<void> {
    if (!rows.length) return;
    const values: unknown[] = [];
    const tuples = rows.map((u) => {
      const base = values.length;
      values.push(
        u.requestId,
        u.organizationId,
        u.apiKeyId,
        u.modelId,
        u.tier,
        u.inputTokens,
        u.outputTokens,
      );
      values.push(
        u.costMicros.toString(),
        u.currency,
        u.latencyMs,
        u.status,
        u.streamed,
        u.occurredAt,
      );
      const p = (i: number, cast: string) => `$${base + i + 1}::${cast}`;
      const casts = [
        'text',
        'uuid',
        'uuid',
        'uuid',
        'text',
        'int',
        'int',
        'bigint',
        'text',
        'int',
        'text',
        'boolean',
        'timestamptz',
      ];
      return `(${casts.map((c, i) => p(i, c)).join(',')})`;
    });
    // usage_records is partitioned by occurred_at, so its unique key is (request_id, occurred_at)
    // (docs/scaling.md). One row per request id whatever the times of its entries: the batch keeps
    // the first entry of each id, skips ids already stored, and batches are serialised on one
    // advisory lock so two gateways never both find an id absent.
    await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${USAGE_INGEST_LOCK})`);
      await m.query(
        `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
          cost_micros, currency, latency_ms, status, streamed, occurred_at)
         SELECT DISTINCT ON (v.request_id) v.*
           FROM (VALUES ${tuples.join(',')}) AS v(request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
                 cost_micros, currency, latency_ms, status, streamed, occurred_at)
          WHERE NOT EXISTS (SELECT 1 FROM usage_records u WHERE u.request_id = v.request_id)
          ORDER BY v.request_id, v.occurred_at
         ON CONFLICT (request_id, occurred_at) DO NOTHING`,
        values,
      );
    });
  }
}
