import IORedis, {
  Cluster,
  type ClusterNode,
  type ClusterOptions,
  type RedisOptions,
} from 'ioredis';
import { redisOptions } from './redis.connection';
import { SINGLE_LAYOUT, type ShardLayout } from './shards';

/** Where the product's Redis is: one server (the default) or a Redis Cluster. */
export interface RedisConfig {
  /** The single Redis; with `clusterNodes` it only lends its credentials and TLS to every node. */
  url: string;
  /** `host:port,host:port,...` (REDIS_CLUSTER_NODES): seed nodes of a Redis Cluster. */
  clusterNodes?: string;
  /** Hash-tag shards of organisations on a cluster (REDIS_SHARDS, default 16). */
  shards?: number;
}

/** Options ioredis's Cluster takes for itself rather than for each node's connection. */
const CLUSTER_LEVEL = new Set(['keyPrefix', 'lazyConnect', 'enableOfflineQueue', 'scripts']);

/**
 * An ioredis Cluster that carries the deployment's shard layout, and whose `duplicate(options)`
 * also takes a single Redis's override options (`{ keyPrefix: undefined, lazyConnect: true }`, as
 * the pub/sub subscribers pass them), so code written against one Redis needs no branch.
 */
export class ShardedCluster extends Cluster {
  constructor(
    private readonly seeds: ClusterNode[],
    options: ClusterOptions,
    readonly layout: ShardLayout,
  ) {
    super(seeds, options);
  }

  override duplicate(nodes?: ClusterNode[] | RedisOptions, options: ClusterOptions = {}): Cluster {
    const seeds = Array.isArray(nodes) && nodes.length ? nodes : this.seeds;
    const extra = Array.isArray(nodes) || !nodes ? options : clusterOptions(nodes);
    const merged: ClusterOptions = {
      ...this.options,
      ...extra,
      redisOptions: { ...this.options.redisOptions, ...extra.redisOptions },
    };
    return new ShardedCluster(seeds, merged, this.layout);
  }
}

function clusterOptions(overrides: RedisOptions): ClusterOptions {
  const top: Record<string, unknown> = {};
  const node: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(overrides)) (CLUSTER_LEVEL.has(k) ? top : node)[k] = v;
  return { ...top, redisOptions: node as RedisOptions };
}

export const isCluster = (config: RedisConfig | string): boolean =>
  typeof config !== 'string' && !!config.clusterNodes;

/**
 * The one way the product connects to Redis: a single server, or a Redis Cluster when
 * REDIS_CLUSTER_NODES is set. Typed as a single Redis on purpose: the cluster client answers the
 * same commands (each routed by its key's slot, and every multi-key command and script here keeps
 * its keys in one slot), so callers stay written against one interface.
 */
export function createRedis(config: RedisConfig | string, overrides: RedisOptions = {}): IORedis {
  const url = typeof config === 'string' ? config : config.url;
  if (!isCluster(config)) return new IORedis({ ...redisOptions(url), ...overrides });
  const { host: _h, port: _p, db: _d, ...auth } = redisOptions(url);
  const { clusterNodes, shards } = config as RedisConfig;
  const seeds = clusterNodes!.split(',').map((hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  });
  const options = clusterOptions({ ...auth, ...overrides });
  const layout: ShardLayout = { shards: shards ?? 16, tagged: true };
  return new ShardedCluster(seeds, options, layout) as unknown as IORedis;
}

/** The shard layout of a connection made by `createRedis` (one untagged shard on a single Redis). */
export const layoutOf = (redis: unknown): ShardLayout =>
  redis instanceof ShardedCluster ? redis.layout : SINGLE_LAYOUT;

/**
 * BullMQ's connection: options on a single Redis (as before); on a cluster, a client of its own
 * (BullMQ refuses a key-prefixed one and duplicates it for its blocking connections).
 */
export const bullConnection = (config: RedisConfig): RedisOptions | IORedis =>
  isCluster(config) ? createRedis(config) : redisOptions(config.url);

/** BullMQ's prefix: on a cluster a hash tag, so that each queue's keys (and its Lua scripts) share a slot. */
export const bullPrefix = (config: RedisConfig, prefix: string): string =>
  isCluster(config) ? `{${prefix}}` : prefix;

/** An app's Redis settings from its validated env (REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SHARDS). */
export const redisSettings = (env: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string;
  REDIS_SHARDS?: number;
}): { redisUrl: string; clusterNodes?: string; shards?: number } => ({
  redisUrl: env.REDIS_URL,
  clusterNodes: env.REDIS_CLUSTER_NODES,
  shards: env.REDIS_SHARDS,
});

/**
 * BullMQ's shared connection with some options changed, for a queue that needs its own behaviour
 * (no offline queue, say): options merged on a single Redis, a duplicated client on a cluster —
 * which its owner must `close()`, BullMQ leaves clients it was given open.
 */
export function connectionWith(
  shared: unknown,
  overrides: RedisOptions,
): { connection: RedisOptions | IORedis; close(): Promise<void> } {
  if (shared instanceof Cluster) {
    const client = (shared as unknown as IORedis).duplicate(overrides);
    return { connection: client, close: () => client.quit().then(() => undefined) };
  }
  return {
    connection: { ...(shared as RedisOptions), ...overrides },
    close: async () => undefined,
  };
}
