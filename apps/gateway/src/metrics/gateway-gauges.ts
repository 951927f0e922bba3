import { Inject, Injectable } from '@nestjs/common';
import { gaugeOf, METRICS_REGISTRY, streamBacklogGauges } from '@velvet/common';
import { LimitsService, METERING_REDIS } from '@velvet/metering';
import { gatewayAuditStream, gatewayUsageStream, layoutOf, shardStreams } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { Registry } from 'prom-client';
import { ModelCatalog } from '../catalog/model-catalog';
import { GATEWAY_ENV } from '../gateway.tokens';
import type { GatewayEnv } from '../env';

/** Gauges read at scrape time from state the gateway keeps anyway: nothing on the request path. */
@Injectable()
export class GatewayGauges {
  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(METERING_REDIS) redis: IORedis,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    catalog: ModelCatalog,
    limits: LimitsService,
  ) {
    gaugeOf(
      registry,
      'velvet_snapshot_age_seconds',
      'Age of each in-process snapshot (a refresh that keeps failing keeps serving the last copy)',
      ['snapshot'] as const,
      (set) => {
        const age = (ms: number | null) => (ms === null ? null : ms / 1000);
        set({ snapshot: 'catalog' }, age(catalog.snapshotAgeMs()));
        set({ snapshot: 'limit_overrides' }, age(limits.snapshotAgeMs()));
      },
    );
    // On a Redis Cluster each stream is one per shard (libs/queue shards.ts): read them all.
    const layout = layoutOf(redis);
    streamBacklogGauges(registry, redis, {
      usage: shardStreams(layout, gatewayUsageStream(env.QUEUE_PREFIX)),
      gateway_audit: shardStreams(layout, gatewayAuditStream(env.QUEUE_PREFIX)),
    });
  }
}
