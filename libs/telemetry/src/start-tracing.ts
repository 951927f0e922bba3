import { tracingSettings } from '@velvet/config';

let active = false;

/**
 * Starts OpenTelemetry tracing for this process when the OTEL_* variables ask for it; otherwise
 * does nothing at all: the SDK and the instrumentations are not even loaded, so no module is
 * patched and a request pays nothing. Must run before the app's modules load (each app's
 * `tracing.ts`, imported first by its `main.ts`), so that http, pg and ioredis are patched.
 * Metrics stay with Prometheus (prom-client) and logs with pino: only traces are exported.
 */
export function startTracing(
  serviceName: string,
  source?: Record<string, string | undefined>,
): boolean {
  const env = tracingSettings(source);
  if (!env || active) return active;
  // Loaded only when tracing is on (see above).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { envDetector, hostDetector } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { instrumentations } = require('./instrumentations') as typeof import('./instrumentations');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    // Not the process detector: it records the command line.
    resourceDetectors: [envDetector, hostDetector],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: instrumentations(),
  });
  sdk.start();
  active = true;
  // Spans still batched when the process stops are flushed (bounded by the exporter's timeout).
  process.once('beforeExit', () => void sdk.shutdown().catch(() => undefined));
  return true;
}

/** Whether this process traces (startTracing found it asked for). */
export const tracingActive = (): boolean => active;
