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
/** Rows per batch, at most: at one batch per 200 ms a process still ingests 10,000 calls a second. */
const BATCH_ROWS = 2000;

type Usage = ReturnType<typeof decodeUsage>;

/** usage_records' columns as the ingest writes them: name, type, value of a record. */
const USAGE_COLUMNS: readonly [string, string, (u: Usage) => unknown][] = [
  ['request_id', 'text', (u) => u.requestId],
  ['organization_id', 'uuid', (u) => u.organizationId],
  ['api_key_id', 'uuid', (u) => u.apiKeyId],
  ['model_id', 'uuid', (u) => u.modelId],
  ['tier', 'text', (u) => u.tier],
  ['input_tokens', 'int', (u) => u.inputTokens],
  ['output_tokens', 'int', (u) => u.outputTokens],
  ['cost_micros', 'bigint', (u) => u.costMicros.toString()],
  ['currency', 'text', (u) => u.currency],
  ['latency_ms', 'int', (u) => u.latencyMs],
  ['status', 'text', (u) => u.status],
  ['streamed', 'boolean', (u) => u.streamed],
  ['occurred_at', 'timestamptz', (u) => u.occurredAt.toISOString()],
];
const USAGE_COLUMN_NAMES = USAGE_COLUMNS.map(([name]) => name).join(', ');

// usage_records is partitioned by occurred_at, so its unique key is (request_id, occurred_at)
// (docs/scaling.md). One row per request id whatever the times of its entries: the batch keeps
// the first entry of each id and skips ids already stored (batches are serialised, see insert()).
// "Already stored" is a scalar subquery rather than NOT EXISTS on purpose: PostgreSQL turns NOT
// EXISTS into an anti join, and while usage_records is small (or its statistics stale) it chose to
// hash the whole table for every batch, a cost that grew with every row ingested (27 ms for 50 rows
// at 30,000 stored); a subquery runs as one index probe per row and partition, whatever the size.
// Exported for the test that reads its plan.
export const INSERT_USAGE_SQL = `INSERT INTO usage_records (${USAGE_COLUMN_NAMES})
  SELECT DISTINCT ON (v.request_id) v.*
    FROM unnest(${USAGE_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
      AS v(${USAGE_COLUMN_NAMES})
   WHERE (SELECT 1 FROM usage_records u WHERE u.request_id = v.request_id LIMIT 1) IS NULL
   ORDER BY v.request_id, v.occurred_at
  ON CONFLICT (request_id, occurred_at) DO NOTHING`;

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

  private async insert(rows: Usage[]): Promise<void> {
    if (!rows.length) return;
    // One array per column, unnested by PostgreSQL: the statement's text and its 13 parameters are
    // the same whatever the batch's size, so it costs one short parse and plan per batch instead of
    // one of a VALUES list of 13 parameters per row (docs/performance.md, "Sixteenth session").
    const columns = USAGE_COLUMNS.map(([, , value]) => rows.map(value));
    // Batches are serialised on one advisory lock, so two ingests never both find an id absent.
    await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(${USAGE_INGEST_LOCK})`);
      await m.query(INSERT_USAGE_SQL, columns);
    });
  }
}
