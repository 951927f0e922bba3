import { BullModule } from '@nestjs/bullmq';
import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';
import { redisOptions } from './redis.connection';

export const REDIS = Symbol('REDIS');

export interface QueueOptions {
  redisUrl: string;
  /** Keeps tests and deployments that share a Redis apart. */
  prefix: string;
}

/** BullMQ's connection and prefix for the app, and one shared ioredis client for everything else. */
@Global()
@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  static forRoot(options: QueueOptions): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          connection: redisOptions(options.redisUrl) as ConnectionOptions,
          prefix: options.prefix,
        }),
      ],
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            new IORedis({ ...redisOptions(options.redisUrl), keyPrefix: `${options.prefix}:` }),
        },
      ],
      exports: [BullModule, REDIS],
    };
  }
}
