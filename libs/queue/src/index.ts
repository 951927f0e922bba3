export { deleteKeysWithPrefix } from './prefix-cleanup';
export { QueueModule, REDIS } from './queue.module';
export { QueueName } from './queue.names';
export { redisOptions } from './redis.connection';
export { StreamConsumer, gatewayAuditStream } from './stream-consumer';
export type { StreamEntries } from './stream-consumer';
