import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { redisOptions } from '@velvet/queue';
import { METERING_OPTIONS, type MeteringOptions, SPEND_LISTENER, type SpendListener } from '../metering.options';
import { decodeUsage } from './usage.codec';

const GROUP = 'usage-ingest';
const BATCH = 500;
/** Entries a dead consumer left unacknowledged are taken over after this long (default). */
const CLAIM_IDLE_MS = 30_000;
/**
 * At most one batch per this interval: each batch costs a few round trips (read, insert, ack), so
 * under load they are amortised over many records; usage reaches PostgreSQL within ~this delay.
 */
const MIN_BATCH_INTERVAL_MS = 50;

type Entries = [id: string, fields: string[]][];

/**
 * Moves usage records from the Redis stream (written atomically with the spend counters at
 * settlement) into `usage_records`, in batches, idempotently (`ON CONFLICT (request_id) DO NOTHING`),
 * acknowledging entries only after the insert commits: a crash re-delivers, never loses or doubles.
 */
@Injectable()
export class UsageIngestor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageIngestor.name);
  private reader: IORedis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly consumer = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    @Inject(METERING_OPTIONS) private readonly options: MeteringOptions,
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(SPEND_LISTENER) private readonly listener?: SpendListener,
  ) {}

  private get claimIdleMs(): number {
    return this.options.claimIdleMs ?? CLAIM_IDLE_MS;
  }

  get streamKey(): string {
    return `${this.options.prefix}:gw:usage`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.ingest) return;
    this.reader = new IORedis({ ...redisOptions(this.options.redisUrl), maxRetriesPerRequest: null });
    await this.reader.xgroup('CREATE', this.streamKey, GROUP, '0', 'MKSTREAM').catch((e: Error) => {
      if (!e.message.includes('BUSYGROUP')) throw e;
    });
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
    this.reader = null;
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    let lastRead = 0;
    while (this.running && this.reader) {
      try {
        const wait = lastRead + MIN_BATCH_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastRead = Date.now();
        if (Date.now() - lastClaim > this.claimIdleMs / 3) {
          lastClaim = Date.now();
          await this.claimAbandoned();
        }
        const res = (await this.reader.xreadgroup(
          'GROUP', GROUP, this.consumer, 'COUNT', BATCH, 'BLOCK', 1000, 'STREAMS', this.streamKey, '>',
        )) as [string, Entries][] | null;
        if (res) await this.ingest(res[0][1]);
      } catch (error) {
        if (!this.running) return;
        this.logger.error(`usage ingestion failed, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async claimAbandoned(): Promise<void> {
    const [, entries] = (await this.reader!.xautoclaim(this.streamKey, GROUP, this.consumer, this.claimIdleMs, '0-0', 'COUNT', BATCH)) as [
      string,
      Entries,
    ];
    if (entries.length) await this.ingest(entries.filter((e) => e[1]));
  }

  /** Inserts one batch; public so tests can drive it deterministically. */
  async ingest(entries: Entries): Promise<void> {
    if (!entries.length) return;
    const rows = [];
    for (const [id, fields] of entries) {
      try {
        rows.push(decodeUsage(fields[1]));
      } catch {
        // Never written by this code: acknowledged below with the batch, so it cannot block the stream.
        this.logger.error(`usage stream entry ${id} is not a usage record; dropped`);
      }
    }
    await this.insert(rows);
    const ids = entries.map(([id]) => id);
    await this.reader!.multi().xack(this.streamKey, GROUP, ...ids).xdel(this.streamKey, ...ids).exec();
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
       VALUES ${tuples.join(',')} ON CONFLICT (request_id) DO NOTHING`,
      values,
    );
  }
}
