import { BullModule } from '@nestjs/bullmq';
import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { bullTelemetry } from '@velvet/telemetry';
import type { ConnectionOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { bullConnection, bullPrefix, createRedis, type RedisConfig } from './redis.factory';

export const REDIS = Symbol('REDIS');
/** BullMQ's own client on a cluster (closed with the app); options, not a client, on a single Redis. */
const BULL_CONNECTION = Symbol('BULL_CONNECTION');

export interface QueueOptions {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES and REDIS_SHARDS: a Redis Cluster instead of the single Redis. */
  clusterNodes?: string;
  shards?: number;
  /** Keeps tests and deployments that share a Redis apart. */
  prefix: string;
}

/** BullMQ's connection and prefix for the app, and one shared ioredis client for everything else. */
@Global()
@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(BULL_CONNECTION) private readonly bull: unknown,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
    // A client only on a cluster (options otherwise). Not `instanceof EventEmitter`: ioredis's
    // Cluster mixes the emitter in, so that test never held and the client outlived the app.
    if (typeof (this.bull as IORedis | null)?.quit === 'function')
      await (this.bull as IORedis).quit().catch(() => undefined);
  }

  static forRoot(options: QueueOptions): DynamicModule {
    const config: RedisConfig = {
      url: options.redisUrl,
      clusterNodes: options.clusterNodes,
      shards: options.shards,
    };
    const connection = bullConnection(config);
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          connection: connection as ConnectionOptions,
          prefix: bullPrefix(config, options.prefix),
          // Job spans for every queue and worker of the app, only when tracing is on.
          telemetry: bullTelemetry(),
        }),
      ],
      providers: [
        { provide: BULL_CONNECTION, useValue: connection },
        {
          provide: REDIS,
          useFactory: () => createRedis(config, { keyPrefix: `${options.prefix}:` }),
        },
      ],
      exports: [BullModule, REDIS],
    };
  }
}
