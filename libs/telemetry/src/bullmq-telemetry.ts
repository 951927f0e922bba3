import type { Telemetry } from 'bullmq';
import { tracingActive } from './start-tracing';

/** BullMQ operations that are a job's life: kept. Its housekeeping (polls, lock renewals, stalled checks) is not. */
const JOB_OPERATIONS = new Set(['add', 'addBulk', 'process', 'retryJobs']);

/**
 * BullMQ's telemetry (`bullmq-otel`) for queues and workers when tracing is on, undefined when it
 * is off (BullMQ then takes no telemetry path at all). A job's add is a producer span and its
 * processing a consumer span continuing the adder's context (BullMQ carries it in the job's
 * options), so a job added inside a request is in that request's trace. BullMQ's housekeeping
 * (its stalled-job checks and lock renewals every few seconds, worker pause/close) would make a
 * root span with Redis children each time: those run with tracing suppressed instead, so an idle
 * worker exports nothing.
 */
export function bullTelemetry(): Telemetry | undefined {
  if (!tracingActive()) return undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  const { suppressTracing } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const otel = new BullMQOtel({ tracerName: 'bullmq' });
  const quiet = {
    setSpanOnContext: suppressTracing,
    setAttribute: () => undefined,
    setAttributes: () => undefined,
    addEvent: () => undefined,
    recordException: () => undefined,
    end: () => undefined,
  };
  return {
    contextManager: otel.contextManager,
    tracer: {
      startSpan: (name, options, context) =>
        JOB_OPERATIONS.has(name.split(' ', 1)[0])
          ? otel.tracer.startSpan(name, options, context)
          : quiet,
    },
  };
}
