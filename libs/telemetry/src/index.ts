export { serverSpanRouteSetter } from './route-names';
export { startTracing, tracingActive } from './start-tracing';
