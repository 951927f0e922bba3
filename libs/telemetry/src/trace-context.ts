import { tracingActive } from './start-tracing';

/**
 * A reader of the active span's W3C `traceparent`, for a hop that no instrumentation carries (a
 * field of a Redis stream entry): undefined when the active span is not sampled, so nothing is
 * carried that the receiver would not export. Null when tracing is off, so the caller can skip the
 * hop's extra field altogether and a call pays nothing.
 */
export function traceparentReader(): (() => string | undefined) | null {
  if (!tracingActive()) return null;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const w3c = new W3CTraceContextPropagator();
  return () => {
    const active = api.context.active();
    const span = api.trace.getSpanContext(active);
    if (!span || !(span.traceFlags & api.TraceFlags.SAMPLED)) return undefined;
    const carrier: { traceparent?: string } = {};
    w3c.inject(active, carrier, api.defaultTextMapSetter);
    return carrier.traceparent;
  };
}
