import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics.registry';
import { portOf, type ReadinessReport, startMetricsServer } from './metrics.server';

export interface MetricsModuleOptions {
  app: string;
  /** Unset: no listener (the registry still exists, so instrumented code needs no conditions). */
  port?: number;
  host: string;
  token?: string;
}

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');
/** Optional provider `{ report(): Promise<ReadinessReport> }`: served as /health/ready on the metrics port. */
export const READINESS_PROBE = Symbol('READINESS_PROBE');

export interface ReadinessProbe {
  report(): Promise<ReadinessReport>;
}

@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    @Inject(METRICS_OPTIONS) private readonly options: MetricsModuleOptions,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Provided by the app's own module (not this global one), so looked up app-wide. */
  private probe(): ReadinessProbe | null {
    try {
      return this.moduleRef.get<ReadinessProbe>(READINESS_PROBE, { strict: false });
    } catch {
      return null;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.port === undefined) return;
    const probe = this.probe();
    this.server = await startMetricsServer({
      port: this.options.port,
      host: this.options.host,
      token: this.options.token,
      registry: this.registry,
      readiness: probe ? () => probe.report() : undefined,
    });
    new Logger('Metrics').log(
      `metrics on http://${this.options.host}:${portOf(this.server)}/metrics`,
    );
  }

  /** The bound port (tests ask for port 0), or null without a listener. */
  port(): number | null {
    return this.server ? portOf(this.server) : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The app's registry and its private /metrics listener, available to every module of the app. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        { provide: METRICS_OPTIONS, useValue: options },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options.app) },
        MetricsServer,
      ],
      exports: [METRICS_OPTIONS, METRICS_REGISTRY, MetricsServer],
    };
  }
}
