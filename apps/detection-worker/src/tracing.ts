import { startTracing } from '@velvet/telemetry';

// Imported first by main.ts, so http, pg and ioredis are patched before anything loads them.
// Does nothing unless the OTEL_* variables ask for traces (docs/scaling.md, "Traces").
startTracing('velvet-detection-worker');
