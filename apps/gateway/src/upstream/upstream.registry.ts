import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Model } from '@velvet/catalog';
import { Pool } from 'undici';
import { GATEWAY_ENV } from '../gateway.tokens';
import { type GatewayEnv, UPSTREAM_SECRET_PREFIX } from '../env';
import { OpenAICompatibleUpstream } from './openai-compatible.upstream';
import { SimulatorUpstream } from './simulator.upstream';
import type { Upstream } from './upstream.types';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { InstrumentedUpstream } from '../metrics/instrumented-upstream';

/** Secrets named by a model's `apiKeyEnv` (only `UPSTREAM_*` variables), read once at boot. */
export const UPSTREAM_SECRETS = Symbol('UPSTREAM_SECRETS');

/** Builds and caches the adapter for each model's upstream config; one connection pool per origin. */
@Injectable()
export class UpstreamRegistry implements OnApplicationShutdown {
  private readonly simulator: Upstream;
  private readonly pools = new Map<string, Pool>();
  private readonly adapters = new Map<
    string,
    { source: object; config: string; upstream: Upstream }
  >();

  constructor(
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    @Inject(UPSTREAM_SECRETS) private readonly secrets: Record<string, string | undefined>,
    private readonly metrics: GatewayMetrics,
  ) {
    this.simulator = new InstrumentedUpstream(
      new SimulatorUpstream(env.SIMULATOR_TOKEN_DELAY_MS),
      'simulator',
      metrics,
    );
  }

  for(model: Model): Upstream {
    const up = model.upstream;
    if (up.kind !== 'openai_compatible') return this.simulator;
    const cached = this.adapters.get(model.id);
    // The catalog hands out the same config object until a reload changes it: compared by value only then.
    if (cached && cached.source === up) return cached.upstream;
    const config = JSON.stringify(up);
    if (cached && cached.config === config) {
      cached.source = up;
      return cached.upstream;
    }
    const origin = new URL(up.baseUrl).origin;
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000 });
      this.pools.set(origin, pool);
    }
    const upstream = new InstrumentedUpstream(
      new OpenAICompatibleUpstream(pool, {
        baseUrl: up.baseUrl,
        upstreamModel: up.upstreamModel,
        apiKey: up.apiKeyEnv?.startsWith(UPSTREAM_SECRET_PREFIX)
          ? this.secrets[up.apiKeyEnv]
          : undefined,
        timeoutMs: up.timeoutMs ?? this.env.GATEWAY_UPSTREAM_TIMEOUT_MS,
        responsesApi: up.responsesApi === true,
      }),
      'openai_compatible',
      this.metrics,
    );
    this.adapters.set(model.id, { source: up, config, upstream });
    return upstream;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }
}
