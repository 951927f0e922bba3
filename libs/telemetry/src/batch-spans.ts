import type { Attributes, SpanContext } from '@opentelemetry/api';
import { tracingActive } from './start-tracing';

/** Runs a batch's work under its spans (see `batchSpans`). */
export type BatchSpans = <T>(
  traceparents: ReadonlyArray<string | undefined>,
  work: () => Promise<T>,
) => Promise<T>;

/**
 * Spans for work done on a batch of items that each arrived with the `traceparent` of the call
 * that produced it (a stream entry's field): one span for the batch, a root linked to every
 * item's context, and, in each item's own trace, a child span of the same name over the same time
 * linked back to the batch span, so a call's trace shows where its item went. The batch's work
 * runs with the batch span active (its database and Redis spans are its children). Null when
 * tracing is off: the caller runs the work as it is.
 */
export function batchSpans(name: string, attributes: Attributes = {}): BatchSpans | null {
  if (!tracingActive()) return null;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { W3CTraceContextPropagator } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const tracer = api.trace.getTracer('velvet');
  const w3c = new W3CTraceContextPropagator();
  const contextOf = (traceparent: string | undefined): SpanContext | undefined => {
    if (!traceparent) return undefined;
    const extracted = w3c.extract(api.ROOT_CONTEXT, { traceparent }, api.defaultTextMapGetter);
    return api.trace.getSpanContext(extracted);
  };
  return async (traceparents, work) => {
    const items = traceparents.map(contextOf).filter((c): c is SpanContext => !!c);
    const batch = tracer.startSpan(name, {
      kind: api.SpanKind.CONSUMER,
      root: true,
      links: items.map((context) => ({ context })),
      attributes: { ...attributes, 'messaging.batch.message_count': traceparents.length },
    });
    const link = [{ context: batch.spanContext() }];
    const spans = [
      batch,
      ...items.map((item) =>
        tracer.startSpan(
          name,
          { kind: api.SpanKind.CONSUMER, links: link, attributes },
          api.trace.setSpanContext(api.ROOT_CONTEXT, item),
        ),
      ),
    ];
    try {
      return await api.context.with(api.trace.setSpan(api.ROOT_CONTEXT, batch), work);
    } catch (error) {
      // The error's type only: a database error's message can quote the values it refused.
      for (const s of spans) {
        s.setAttribute('error.type', (error as Error)?.name ?? 'Error');
        s.setStatus({ code: api.SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      for (const s of spans) s.end();
    }
  };
}
