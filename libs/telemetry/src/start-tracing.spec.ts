import { serverSpanRouteSetter } from './route-names';
import { startTracing, tracingActive } from './start-tracing';

describe('startTracing, not asked for', () => {
  it('starts nothing and leaves no per-request hook', () => {
    expect(startTracing('velvet-test', {})).toBe(false);
    expect(tracingActive()).toBe(false);
    expect(serverSpanRouteSetter()).toBeNull();
  });
});
