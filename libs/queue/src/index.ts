export { deleteKeysWithPrefix } from './prefix-cleanup';
export { QueueModule, REDIS } from './queue.module';
export { QueueName } from './queue.names';
export { redisOptions } from './redis.connection';
export { connectionWith, createRedis, layoutOf, redisSettings } from './redis.factory';
export {
  SINGLE_LAYOUT,
  shardIndexes,
  shardOf,
  shardStream,
  shardStreams,
  shardTag,
} from './shards';
export type { ShardLayout } from './shards';
export {
  StreamConsumer,
  gatewayAuditStream,
  gatewayUsageStream,
  traceparentOf,
} from './stream-consumer';
export type { StreamEntries } from './stream-consumer';
