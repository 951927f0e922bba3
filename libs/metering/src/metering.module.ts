import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createRedis } from '@velvet/queue';
import type IORedis from 'ioredis';
import { CustomerLimit } from './entities/customer-limit.entity';
import { RateLimit } from './entities/rate-limit.entity';
import { UsageRecord } from './entities/usage-record.entity';
import { LimitsService } from './limits/limits.service';
import { QuotaService } from './limits/quota.service';
import { METERING_OPTIONS, METERING_REDIS, type MeteringOptions } from './metering.options';
import { RefusalRecorder } from './analytics/refusal-recorder.service';

/**
 * The gateway's metering: admission and settlement against limits in Redis (the usage stream's
 * consumer is `UsageIngestModule`). Its Redis client fails fast (the gateway answers 503 rather
 * than waiting on a dead Redis) and pipelines commands issued in the same tick.
 */
@Module({})
export class MeteringModule implements OnApplicationShutdown {
  constructor(@Inject(METERING_REDIS) private readonly redis: IORedis) {}

  static forRoot(options: MeteringOptions): DynamicModule {
    return {
      module: MeteringModule,
      imports: [TypeOrmModule.forFeature([RateLimit, CustomerLimit, UsageRecord])],
      providers: [
        { provide: METERING_OPTIONS, useValue: options },
        {
          provide: METERING_REDIS,
          // No auto-pipelining: each ioredis Pipeline defines an accessor, which makes V8's young GC
          // keep the pipeline and its commands alive (docs/performance.md, "Garbage collection").
          useFactory: () => {
            const redis = createRedis(
              { url: options.redisUrl, clusterNodes: options.clusterNodes, shards: options.shards },
              { maxRetriesPerRequest: 1, commandTimeout: 2000 },
            );
            // Each refused command fails its call (503 or a retried finish); the connection's own errors only need a log line.
            let last = 0;
            redis.on('error', (error: Error) => {
              if (Date.now() - last > 5000)
                new Logger('MeteringModule').warn(`metering Redis connection: ${error.message}`);
              last = Date.now();
            });
            return redis;
          },
        },
        LimitsService,
        QuotaService,
        RefusalRecorder,
      ],
      exports: [LimitsService, QuotaService, RefusalRecorder, METERING_REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
