export { batchSpans, type BatchSpans } from './batch-spans';
export { bullTelemetry } from './bullmq-telemetry';
export { serverSpanRouteSetter } from './route-names';
export { startTracing, tracingActive } from './start-tracing';
export { traceparentReader } from './trace-context';
