import { batchSpans } from './batch-spans';
import { bullTelemetry } from './bullmq-telemetry';
import { serverSpanRouteSetter } from './route-names';
import { startTracing, tracingActive } from './start-tracing';
import { traceparentReader } from './trace-context';

describe('startTracing, not asked for', () => {
  it('starts nothing and leaves no per-request hook, stream field, batch span or BullMQ telemetry', () => {
    expect(startTracing('velvet-test', {})).toBe(false);
    expect(tracingActive()).toBe(false);
    expect(serverSpanRouteSetter()).toBeNull();
    expect(traceparentReader()).toBeNull();
    expect(batchSpans('batch')).toBeNull();
    expect(bullTelemetry()).toBeUndefined();
  });
});
