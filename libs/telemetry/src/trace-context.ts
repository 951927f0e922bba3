import { tracingActive } from './start-tracing';

/**
 * A reader of the active span's W3C `traceparent`, for a hop that no instrumentation carries (a
 * field of a Redis stream entry): undefined when the active span is not sampled, so nothing is
 * carried that the receiver would not export. Null when tracing is off, so the caller can skip the
 * hop's extra field altogether and a call pays nothing.
 */
export function traceparentReader(): (() => string | undefined) | null {
  if (!tracingActive()) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  return () => {
    const span = api.trace.getSpanContext(api.context.active());
    if (!span || !api.isSpanContextValid(span) || !(span.traceFlags & api.TraceFlags.SAMPLED))
      return undefined;
    return `00-${span.traceId}-${span.spanId}-01`;
  };
}
