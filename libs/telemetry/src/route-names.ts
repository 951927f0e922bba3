import { tracingActive } from './start-tracing';

/**
 * Names the active HTTP server span after the route template (`POST /v1/chat/completions`, never
 * an id), as framework instrumentations do. Null when tracing is off, so the caller registers no
 * hook at all and a request pays nothing.
 */
export function serverSpanRouteSetter(): ((route: string | undefined) => void) | null {
  if (!tracingActive()) return null;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { getRPCMetadata, RPCType } =
    require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return (route) => {
    const metadata = getRPCMetadata(context.active());
    if (route && metadata?.type === RPCType.HTTP) metadata.route = route;
  };
}
