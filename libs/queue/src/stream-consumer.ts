import { hostname } from 'node:os';
import IORedis, { type RedisOptions } from 'ioredis';

export type StreamEntries = [id: string, fields: string[]][];

export interface StreamConsumerOptions {
  connection: RedisOptions;
  stream: string;
  group: string;
  /** Handles one batch; the entries are acknowledged (and deleted) only after it resolves. */
  handle(entries: StreamEntries): Promise<void>;
  onError(message: string): void;
  batch?: number;
  /** Entries a dead consumer read but never acknowledged are taken over after this long. */
  claimIdleMs?: number;
  /** At most one batch per this interval, so each batch's round trips are shared by many entries. */
  minBatchIntervalMs?: number;
}

/**
 * A consumer-group reader of a Redis stream: at-least-once (acknowledged after the handler
 * resolves; a crashed consumer's entries are claimed by another), so handlers must be idempotent.
 */
export class StreamConsumer {
  private reader: IORedis | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly consumer = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly o: StreamConsumerOptions) {}

  /**
   * Starts reading. Never fails the process: while Redis is away or refuses to create the group
   * (at maxmemory, say), the loop keeps retrying — a consumer that crashed its process on start-up
   * would stop every other part of it.
   */
  async start(): Promise<void> {
    this.reader = new IORedis({ ...this.o.connection, maxRetriesPerRequest: null });
    this.reader.on('error', () => undefined);
    this.running = true;
    this.loop = this.run();
  }

  /** Creates the group (and the stream) unless they exist. */
  private async ensureGroup(): Promise<void> {
    await this.reader!.xgroup('CREATE', this.o.stream, this.o.group, '0', 'MKSTREAM').catch(
      (e: Error) => {
        if (!e.message.includes('BUSYGROUP')) throw e;
      },
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
    this.reader = null;
  }

  private async run(): Promise<void> {
    const claimIdleMs = this.o.claimIdleMs ?? 30_000;
    const interval = this.o.minBatchIntervalMs ?? 50;
    let lastClaim = 0;
    let lastRead = 0;
    let grouped = false;
    while (this.running && this.reader) {
      try {
        if (!grouped) {
          await this.ensureGroup();
          grouped = true;
        }
        const wait = lastRead + interval - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastRead = Date.now();
        if (Date.now() - lastClaim > claimIdleMs / 3) {
          lastClaim = Date.now();
          await this.claimAbandoned(claimIdleMs);
        }
        const res = (await this.reader.xreadgroup(
          'GROUP',
          this.o.group,
          this.consumer,
          'COUNT',
          this.o.batch ?? 500,
          'BLOCK',
          1000,
          'STREAMS',
          this.o.stream,
          '>',
        )) as [string, StreamEntries][] | null;
        if (res) await this.process(res[0][1]);
      } catch (error) {
        if (!this.running) return;
        // The stream (and its group) may have been deleted meanwhile: create them again.
        if ((error as Error).message.includes('NOGROUP')) grouped = false;
        this.o.onError(`${this.o.stream} consumer failed, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async claimAbandoned(claimIdleMs: number): Promise<void> {
    const [, entries] = (await this.reader!.xautoclaim(
      this.o.stream,
      this.o.group,
      this.consumer,
      claimIdleMs,
      '0-0',
      'COUNT',
      this.o.batch ?? 500,
    )) as [string, StreamEntries];
    // Entries deleted after they were read come back without fields: only acknowledge those.
    await this.process(entries.filter((e) => e[1]));
  }

  /** Handles one batch and acknowledges it; public so tests can drive it deterministically. */
  async process(entries: StreamEntries): Promise<void> {
    if (!entries.length) return;
    await this.o.handle(entries);
    const ids = entries.map(([id]) => id);
    await this.reader!.multi()
      .xack(this.o.stream, this.o.group, ...ids)
      .xdel(this.o.stream, ...ids)
      .exec();
  }
}

/**
 * The stream the gateway appends premium-call audit entries to, atomically with the call's usage
 * record; the audit worker moves them into the audit queue (AuditIntake).
 */
export const gatewayAuditStream = (prefix: string): string => `${prefix}:gw:audit`;
