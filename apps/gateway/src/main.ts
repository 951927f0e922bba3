// Before any other import: tracing must patch modules before they load.
import './tracing';
import { InvalidEnvironmentError } from '@velvet/config';
import { exitWithin } from '@velvet/common';
import { loadGatewayEnv, loadUpstreamSecrets } from './env';
import { createGatewayApp } from './gateway-app';
import { useLeanAsyncResourceBind } from './runtime/lean-async-bind';

async function main() {
  // Process-wide patch: applied by the gateway's own process only, never by code that embeds the app.
  useLeanAsyncResourceBind();
  const env = loadGatewayEnv();
  // SIGTERM: Fastify stops accepting, finishes in-flight calls (streams included), then Nest closes
  // Redis and PostgreSQL; bounded so a stuck stream cannot hold a restart (docs/scaling.md).
  exitWithin(env.SHUTDOWN_TIMEOUT_MS);
  const app = await createGatewayApp(env, loadUpstreamSecrets());
  await app.listen(env.GATEWAY_PORT, env.GATEWAY_HOST);
}

main().catch((error: unknown) => {
  // The environment error names each bad variable; print it plainly and stop.
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
