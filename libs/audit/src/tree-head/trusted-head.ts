import type IORedis from 'ioredis';

/** The last head this log's signer signed, as the signer remembers it (not as the database says). */
export interface TrustedHead {
  treeSize: number;
  rootHash: string;
  checkpoint: string;
}

/**
 * Where the signer keeps its last signed head outside PostgreSQL, so an insider who rewrites the
 * tree in the database cannot also rewrite what the signer compares the next root with. Redis
 * here (the key name carries the queue prefix); the signer also keeps it in memory, and the head is
 * published (the public checkpoint, and witnesses that remember it).
 */
export interface TrustedHeadKeeper {
  load(): Promise<TrustedHead | null>;
  save(head: TrustedHead): Promise<void>;
  raiseAlarm(alarm: IntegrityAlarm): Promise<void>;
  alarm(): Promise<IntegrityAlarm | null>;
}

export interface IntegrityAlarm {
  detectedAt: string;
  reason: string;
  trustedSize: number | null;
  databaseSize: number;
}

const HEAD_KEY = 'audit:trusted-head';
const ALARM_KEY = 'audit:integrity-alarm';

export class RedisTrustedHeadKeeper implements TrustedHeadKeeper {
  constructor(private readonly redis: IORedis) {}

  async load(): Promise<TrustedHead | null> {
    const text = await this.redis.get(HEAD_KEY);
    return text ? (JSON.parse(text) as TrustedHead) : null;
  }

  async save(head: TrustedHead): Promise<void> {
    await this.redis.set(HEAD_KEY, JSON.stringify(head));
  }

  async raiseAlarm(alarm: IntegrityAlarm): Promise<void> {
    // The first alarm stays until someone investigates and clears it.
    await this.redis.set(ALARM_KEY, JSON.stringify(alarm), 'NX');
  }

  async alarm(): Promise<IntegrityAlarm | null> {
    const text = await this.redis.get(ALARM_KEY);
    return text ? (JSON.parse(text) as IntegrityAlarm) : null;
  }
}

/** In memory only: for one-off tools and test fixtures that sign a head without a Redis. */
export class MemoryTrustedHeadKeeper implements TrustedHeadKeeper {
  private head: TrustedHead | null = null;
  private raised: IntegrityAlarm | null = null;

  async load(): Promise<TrustedHead | null> {
    return this.head;
  }

  async save(head: TrustedHead): Promise<void> {
    this.head = head;
  }

  async raiseAlarm(alarm: IntegrityAlarm): Promise<void> {
    this.raised ??= alarm;
  }

  async alarm(): Promise<IntegrityAlarm | null> {
    return this.raised;
  }
}
