import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  gaugeOf,
  METRICS_REGISTRY,
  type ReadinessProbe,
  type ReadinessReport,
  storeReadiness,
  streamBacklogGauges,
} from '@velvet/common';
import { layoutOf, QueueName, REDIS, shardStreams } from '@velvet/queue';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

const STATES = ['wait', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

interface TreeRow {
  size: string;
  head_size: string | null;
  head_ms: string | null;
  last_lag_s: string | null;
}

/**
 * The audit pipeline seen from the outside, at scrape time: the gateway's audit stream (entries
 * not yet written to the log), the queue's depth per state (failed = jobs that exhausted their
 * retries), the oldest waiting job, the tree's size, the last signed checkpoint's age and the
 * write lag of the newest record. Nothing here runs on the writer's path.
 */
@Injectable()
export class AuditWorkerGauges implements ReadinessProbe {
  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
    @InjectQueue(QueueName.Audit) audit: Queue,
    @InjectQueue(QueueName.AuditMaintenance) maintenance: Queue,
  ) {
    // the queue module's client prefixes keys with `${QUEUE_PREFIX}:`; one stream per shard on a cluster
    streamBacklogGauges(registry, redis, {
      gateway_audit: shardStreams(layoutOf(redis), 'gw:audit'),
    });
    gaugeOf(
      registry,
      'velvet_queue_jobs',
      'BullMQ jobs by queue and state',
      ['queue', 'state'] as const,
      async (set) => {
        for (const queue of [audit, maintenance]) {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    );
    gaugeOf(
      registry,
      'velvet_queue_oldest_waiting_seconds',
      'Age of the oldest job waiting in the queue (0 when none)',
      ['queue'] as const,
      async (set) => {
        const [oldest] = await audit.getJobs(['wait'], 0, 0, true);
        set({ queue: audit.name }, oldest ? Math.max(0, Date.now() - oldest.timestamp) / 1000 : 0);
      },
    );
    gaugeOf(
      registry,
      'velvet_audit_tree_size',
      'Records in the audit log (appended) and in the last signed checkpoint',
      ['tree'] as const,
      async (set) => {
        const row = await this.tree();
        set({ tree: 'appended' }, Number(row.size));
        set({ tree: 'checkpointed' }, row.head_size === null ? 0 : Number(row.head_size));
      },
    );
    gaugeOf(
      registry,
      'velvet_audit_checkpoint_age_seconds',
      'Age of the last signed tree head',
      [] as const,
      async (set) => {
        const row = await this.tree();
        set({}, row.head_ms === null ? null : Math.max(0, Date.now() - Number(row.head_ms)) / 1000);
      },
    );
    gaugeOf(
      registry,
      'velvet_audit_write_lag_seconds',
      'recorded_at - occurred_at of the newest audit record',
      [] as const,
      async (set) => {
        const row = await this.tree();
        set({}, row.last_lag_s === null ? null : Number(row.last_lag_s));
      },
    );
  }

  /** One query for the three tree gauges; cached for a second so one scrape reads the database once. */
  private cached: { at: number; row: Promise<TreeRow> } | null = null;
  private tree(): Promise<TreeRow> {
    if (this.cached && Date.now() - this.cached.at < 1000) return this.cached.row;
    const row = this.db
      .query(
        `SELECT s.size,
                (SELECT tree_size FROM audit_tree_head ORDER BY tree_size DESC, id DESC LIMIT 1) AS head_size,
                (SELECT timestamp_ms FROM audit_tree_head ORDER BY tree_size DESC, id DESC LIMIT 1) AS head_ms,
                (SELECT EXTRACT(EPOCH FROM recorded_at - occurred_at) FROM audit_log ORDER BY seq DESC LIMIT 1) AS last_lag_s
           FROM audit_tree_state s WHERE s.id = 1`,
      )
      .then((rows: TreeRow[]) => rows[0]);
    this.cached = { at: Date.now(), row };
    row.catch(() => (this.cached = null));
    return row;
  }

  async report(): Promise<ReadinessReport> {
    const stores = await storeReadiness({ database: this.db, redis: this.redis });
    const row = stores.database === 'up' ? await this.tree().catch(() => null) : null;
    const checkpointAgeMs = row?.head_ms ? Date.now() - Number(row.head_ms) : null;
    return { ...stores, snapshots: { checkpointAgeMs } };
  }
}
