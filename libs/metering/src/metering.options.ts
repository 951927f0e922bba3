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
}

export const USAGE_INGEST_OPTIONS = Symbol('USAGE_INGEST_OPTIONS');

/** Where the usage stream is (as for MeteringOptions) and how it is consumed. */
export interface UsageIngestOptions extends Pick<
  MeteringOptions,
  'redisUrl' | 'clusterNodes' | 'shards' | 'prefix'
> {
  /** Usage entries a consumer read but never acknowledged (it died) are taken over after this long. */
  claimIdleMs?: number;
  /** At most one usage batch per this interval (unset: USAGE_INGEST_INTERVAL_MS). */
  intervalMs?: number;
}
