import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { redisOptions, type StreamEntries, StreamConsumer } from '@velvet/queue';
import { DataSource } from 'typeorm';
import { METERING_OPTIONS, type MeteringOptions, SPEND_LISTENER, type SpendListener } from '../metering.options';
import { decodeUsage } from './usage.codec';

const GROUP = 'usage-ingest';
/** Entries a dead consumer left unacknowledged are taken over after this long (default). */
const CLAIM_IDLE_MS = 30_000;

/**
 * Moves usage records from the Redis stream (written atomically with the spend counters when a
 * call finishes) into `usage_records`, in batches (≤ 500, ≤ 1 per 50 ms), idempotently
 * (`ON CONFLICT (request_id, occurred_at) DO NOTHING`: the table is partitioned by occurred_at and an entry carries its own), acknowledging entries only after the insert commits:
 * a crash re-delivers, never loses or doubles.
 */
@Injectable()
export class UsageIngestor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageIngestor.name);
  private consumer: StreamConsumer | null = null;

  constructor(
    @Inject(METERING_OPTIONS) private readonly options: MeteringOptions,
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(SPEND_LISTENER) private readonly listener?: SpendListener,
  ) {}

  get streamKey(): string {
    return `${this.options.prefix}:gw:usage`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.ingest) return;
    this.consumer = new StreamConsumer({
      connection: redisOptions(this.options.redisUrl),
      stream: this.streamKey,
      group: GROUP,
      claimIdleMs: this.options.claimIdleMs ?? CLAIM_IDLE_MS,
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
    const charged = [...new Set(rows.filter((u) => u.costMicros > 0n).map((u) => u.organizationId))];
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
      values.push(u.requestId, u.organizationId, u.apiKeyId, u.modelId, u.tier, u.inputTokens, u.outputTokens);
      values.push(u.costMicros.toString(), u.currency, u.latencyMs, u.status, u.streamed, u.occurredAt);
      return `(${Array.from({ length: 13 }, (_, i) => `$${base + i + 1}`).join(',')})`;
    });
    await this.db.query(
      `INSERT INTO usage_records (request_id, organization_id, api_key_id, model_id, tier, input_tokens, output_tokens,
        cost_micros, currency, latency_ms, status, streamed, occurred_at)
       VALUES ${tuples.join(',')} ON CONFLICT (request_id, occurred_at) DO NOTHING`,
      values,
    );
  }
}
