import type { QuotaDefaults } from './limits/quota.types';

export const METERING_OPTIONS = Symbol('METERING_OPTIONS');
export const METERING_REDIS = Symbol('METERING_REDIS');
/** Optional: told which organisations just had spend recorded (the entitlement engine re-evaluates them). */
export const SPEND_LISTENER = Symbol('SPEND_LISTENER');

export interface SpendListener {
  spendRecorded(organizationIds: readonly string[]): Promise<void> | void;
}

export interface MeteringOptions {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES and REDIS_SHARDS: a Redis Cluster instead of the single Redis. */
  clusterNodes?: string;
  shards?: number;
  /** The deployment's Redis key prefix (same as the queues'). */
  prefix: string;
  defaults: QuotaDefaults;
  /** Runs the usage-stream consumer in this process (the gateway does; tests may not). */
  ingest?: boolean;
  /** Usage entries a consumer read but never acknowledged (it died) are taken over after this long. */
  claimIdleMs?: number;
  /**
   * At most one usage batch per this interval (unset: StreamConsumer's 50 ms); each batch is one
   * PostgreSQL transaction, so fewer batches are less CPU per call.
   */
  ingestIntervalMs?: number;
}
