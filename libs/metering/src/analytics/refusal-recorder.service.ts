import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface Refusal {
  organizationId: string;
  /** Unknown when the call was refused before the key or the model was resolved. */
  apiKeyId?: string | null;
  modelId?: string | null;
  /** The error code the client received (`rate_limit_exceeded`, `insufficient_quota`, ...). */
  reason: string;
  at?: Date;
}

const NIL = '00000000-0000-0000-0000-000000000000';
const HOUR_MS = 3_600_000;
const FLUSH_MS = 5_000;
/** Distinct (hour, org, key, model, reason) counters held before a flush is forced. */
const MAX_PENDING = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REASON = /^[a-z0-9_.-]{1,64}$/;

/**
 * Counts refused calls into usage_refusals_hourly. A refused call has no usage record, and a client
 * retrying a refusal in a tight loop makes thousands a second: `refused` is one map increment in
 * process, and the counters go to PostgreSQL every few seconds in one statement, off the request
 * path. Counters are lost if the process dies before a flush (at most FLUSH_MS of refusals); a flush
 * whose commit is not confirmed is retried, so a connection lost during COMMIT may count that
 * flush twice. Refusal counts are analytics, not billing: neither changes what anyone pays.
 */
@Injectable()
export class RefusalRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RefusalRecorder.name);
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  refused(r: Refusal): void {
    if (!UUID.test(r.organizationId)) return;
    const hour = Math.floor((r.at ?? new Date()).getTime() / HOUR_MS) * HOUR_MS;
    const key = [
      hour,
      r.organizationId,
      r.apiKeyId && UUID.test(r.apiKeyId) ? r.apiKeyId : NIL,
      r.modelId && UUID.test(r.modelId) ? r.modelId : NIL,
      REASON.test(r.reason) ? r.reason : 'other',
    ].join('|');
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (this.pending.size >= MAX_PENDING) void this.flush();
  }

  /** Writes the counters gathered so far; one flush at a time, later callers wait for it. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch)
      .catch((e: Error) => {
        this.logger.warn(`refusal counts not written yet (${batch.size} counters): ${e.message}`);
        for (const [k, n] of batch) this.pending.set(k, (this.pending.get(k) ?? 0) + n);
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async write(batch: Map<string, number>): Promise<void> {
    const cols: [string[], string[], string[], string[], string[], number[]] = [
      [],
      [],
      [],
      [],
      [],
      [],
    ];
    for (const [key, n] of [...batch].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [hour, org, apiKey, model, reason] = key.split('|');
      cols[0].push(org);
      cols[1].push(new Date(Number(hour)).toISOString());
      cols[2].push(model);
      cols[3].push(apiKey);
      cols[4].push(reason);
      cols[5].push(n);
    }
    await this.db.query(
      `INSERT INTO usage_refusals_hourly AS h (organization_id, hour, model_id, api_key_id, reason, refusals)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[])
       ON CONFLICT (organization_id, hour, model_id, api_key_id, reason)
       DO UPDATE SET refusals = h.refusals + excluded.refusals`,
      cols,
    );
  }
}
