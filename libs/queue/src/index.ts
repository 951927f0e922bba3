export * from './queue.names';
export * from './redis.connection';
export * from './redis.factory';
export * from './shards';
export * from './queue.module';
export * from './prefix-cleanup';
export * from './stream-consumer';
