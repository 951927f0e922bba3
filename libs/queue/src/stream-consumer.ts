import { hostname } from 'node:os';
import IORedis, { type RedisOptions } from 'ioredis';
import { createRedis, layoutOf, type RedisConfig } from './redis.factory';
import { shardStreams } from './shards';

export type StreamEntries = [id: string, fields: string[]][];

/**
 * The trace context of the call that wrote an entry: its field 't' beside the payload, present only
 * when the writer traced that call.
 */
export function traceparentOf([, fields]: StreamEntries[number]): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 't') return fields[i + 1];
  return undefined;
}

export interface StreamConsumerOptions {
  /**
   * Options of a single Redis, a `RedisConfig`, or a client made by `createRedis` (duplicated for
   * the reader): on a cluster the consumer reads every shard stream of `stream` (shards.ts).
   */
  connection: RedisOptions | RedisConfig | IORedis;
  /** The base stream name; on a cluster its shard streams `<stream>:{sK}` are the ones read. */
  stream: string;
  group: string;
  /**
   * Handles one batch; the entries are acknowledged (and deleted) only after it resolves. Only the
   * ids are read afterwards, so a handler may drop an entry's fields once it has used them.
   */
  handle(entries: StreamEntries): Promise<void>;
  onError(message: string): void;
  batch?: number;
  /** Entries a dead consumer read but never acknowledged are taken over after this long. */
  claimIdleMs?: number;
  /** At most one batch per this interval, so each batch's round trips are shared by many entries. */
  minBatchIntervalMs?: number;
}

/** Sharded streams are polled (a blocking read waits on one slot only); an idle poll waits this long. */
const IDLE_POLL_MS = 100;
/** How long stop() waits for the batch in hand (see stop()). */
const STOP_WAIT_MS = 5_000;

/**
 * A consumer-group reader of a Redis stream: at-least-once (acknowledged after the handler
 * resolves; a crashed consumer's entries are claimed by another), so handlers must be idempotent.
 * On a Redis Cluster it reads each shard stream of the base name (same group, same handler, one
 * batch per shard stream; claims per shard stream).
 */
export class StreamConsumer {
  private reader: IORedis | null = null;
  private streams: string[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly consumer = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  /** When a read last came back full (the stream held more than a batch): see `behind`. */
  private fullReadAt = 0;

  constructor(private readonly o: StreamConsumerOptions) {}

  /**
   * Starts reading. Never fails the process: while Redis is away or refuses to create the group
   * (at maxmemory, say), the loop keeps retrying — a consumer that crashed its process on start-up
   * would stop every other part of it.
   */
  async start(): Promise<void> {
    this.reader = connect(this.o.connection);
    this.reader.on('error', () => undefined);
    this.streams = shardStreams(layoutOf(this.reader), this.o.stream);
    this.running = true;
    this.loop = this.run();
  }

  /** Creates the group (and the stream) unless they exist. */
  private async ensureGroup(): Promise<void> {
    for (const stream of this.streams) {
      await this.reader!.xgroup('CREATE', stream, this.o.group, '0', 'MKSTREAM').catch(
        (e: Error) => {
          if (!e.message.includes('BUSYGROUP')) throw e;
        },
      );
    }
  }

  /**
   * Whether this consumer has a backlog: a read within the last `withinMs` came back full, so more
   * entries were waiting than a batch takes. Background work that competes for the same cores
   * (the audit row sweep) waits while it is so.
   */
  behind(withinMs = 5_000): boolean {
    return Date.now() - this.fullReadAt < withinMs;
  }

  /**
   * Stops reading and waits for the batch in hand, at most `STOP_WAIT_MS`: a command cut off by the
   * disconnect may never settle (an ioredis Cluster does not reject it), and a batch not
   * acknowledged is delivered again to another consumer, so nothing is lost by not waiting longer.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.reader?.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.loop?.catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, STOP_WAIT_MS))),
    ]);
    clearTimeout(timer);
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
          for (const stream of this.streams) await this.claimAbandoned(stream, claimIdleMs);
        }
        if (this.streams.length === 1) {
          const entries = await this.read(this.streams[0], 1000);
          this.noteFull(entries);
          if (entries) await this.process(entries, this.streams[0]);
          continue;
        }
        const batches = await Promise.all(this.streams.map((s) => this.read(s, null)));
        batches.forEach((b) => this.noteFull(b));
        for (let i = 0; i < batches.length; i++)
          if (batches[i]?.length) await this.process(batches[i]!, this.streams[i]);
        if (!batches.some((b) => b?.length)) await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
      } catch (error) {
        if (!this.running) return;
        // The stream (and its group) may have been deleted meanwhile: create them again.
        if ((error as Error).message.includes('NOGROUP')) grouped = false;
        this.o.onError(`${this.o.stream} consumer failed, retrying: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private noteFull(entries: StreamEntries | null): void {
    if (entries && entries.length >= (this.o.batch ?? 500)) this.fullReadAt = Date.now();
  }

  /** New entries of one stream; `blockMs` null: no blocking (one slot's wait would hold the others). */
  private async read(stream: string, blockMs: number | null): Promise<StreamEntries | null> {
    const args: (string | number)[] = ['COUNT', this.o.batch ?? 500];
    if (blockMs !== null) args.push('BLOCK', blockMs);
    const res = (await this.reader!.xreadgroup(
      'GROUP',
      this.o.group,
      this.consumer,
      ...(args as ['COUNT', number]),
      'STREAMS',
      stream,
      '>',
    )) as [string, StreamEntries][] | null;
    return res ? res[0][1] : null;
  }

  private async claimAbandoned(stream: string, claimIdleMs: number): Promise<void> {
    const [, entries] = (await this.reader!.xautoclaim(
      stream,
      this.o.group,
      this.consumer,
      claimIdleMs,
      '0-0',
      'COUNT',
      this.o.batch ?? 500,
    )) as [string, StreamEntries];
    // Entries deleted after they were read come back without fields: only acknowledge those.
    await this.process(
      entries.filter((e) => e[1]),
      stream,
    );
  }

  /**
   * Handles one batch of one stream (the base stream unless named) and acknowledges it; public so
   * tests can drive it deterministically.
   */
  async process(entries: StreamEntries, stream = this.o.stream): Promise<void> {
    if (!entries.length) return;
    await this.o.handle(entries);
    const ids = entries.map(([id]) => id);
    await this.reader!.multi()
      .xack(stream, this.o.group, ...ids)
      .xdel(stream, ...ids)
      .exec();
  }
}

/** The reader's own connection: blocking reads must not hold a client others share. */
function connect(c: StreamConsumerOptions['connection']): IORedis {
  if (typeof (c as IORedis).duplicate === 'function')
    return (c as IORedis).duplicate({ maxRetriesPerRequest: null });
  if ('url' in c && typeof c.url === 'string')
    return createRedis(c as RedisConfig, { maxRetriesPerRequest: null });
  return new IORedis({ ...(c as RedisOptions), maxRetriesPerRequest: null });
}

/**
 * The stream the gateway appends premium-call audit entries to, atomically with the call's usage
 * record; the worker writes them into the log (GatewayAuditIntake). Given BullMQ's prefix,
 * which is hash-tagged (`{velvet}`) on a cluster, it names the same stream as the gateway's.
 */
export const gatewayAuditStream = (prefix: string): string =>
  `${prefix.replace(/^\{(.*)\}$/, '$1')}:gw:audit`;

/**
 * The stream the gateway appends each call's usage record to, atomically with its spend; the
 * worker's usage ingest moves it into `usage_records` (UsageIngestor). Given the deployment's
 * QUEUE_PREFIX.
 */
export const gatewayUsageStream = (prefix: string): string => `${prefix}:gw:usage`;
