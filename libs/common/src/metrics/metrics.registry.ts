import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { leanHistogram } from './lean-histogram';

/** The app's own prom-client registry (never the global one: tests run several apps in one process). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * How often the event-loop delay is sampled (ms). prom-client's default of 10 ms is a libuv timer
 * that wakes an idle process 100 times a second (most of an idle gateway's CPU); at 100 ms a
 * stall of the loop is still caught (the sample waits behind it) and a scrape still sees ~150
 * samples for its percentiles.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** A registry labelled with the app's name, with Node's process metrics (event loop lag, heap, GC, CPU). */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

/** Latency buckets in seconds, from a cached admission (ms) to a long upstream completion. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Returns the registry's metric of that name, or makes it: collectors may be built twice in tests. */
function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export const counter = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) => once(registry, name, () => new Counter<L>({ name, help, labelNames, registers: [registry] }));

export const histogram = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets = LATENCY_BUCKETS,
) =>
  once(
    registry,
    name,
    () => new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
  );

/**
 * A gauge read at scrape time from state the app already keeps (snapshot ages, queue depth): nothing
 * on the request path. `read` may be async; a failing read leaves the series out of that scrape.
 */
export function gaugeOf<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (
    set: (labels: Partial<Record<L, string>>, value: number | null) => void,
  ) => void | Promise<void>,
): Gauge<L> {
  return once(
    registry,
    name,
    () =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          try {
            await read((labels, value) => {
              if (value !== null && Number.isFinite(value))
                this.set(labels as Record<L, string>, value);
            });
          } catch {
            // the source is down (database, Redis): readiness says so; the series is absent meanwhile
          }
        },
      }),
  );
}

/** One histogram per app for HTTP: its _count is the request rate by route and status (observed on every request: lean). */
export const httpRequestDuration = (registry: Registry) =>
  leanHistogram(
    registry,
    'http_request_duration_seconds',
    'HTTP requests by method, route template and status',
    ['method', 'route', 'status'] as const,
    LATENCY_BUCKETS,
  );
