// Before any other import: tracing must patch modules before they load.
import './tracing';
import { InvalidEnvironmentError } from '@velvet/config';
import { exitWithin } from '@velvet/common';
import { loadPortalEnv } from './env';
import { createPortalApp } from './portal-app';

async function main() {
  const env = loadPortalEnv();
  // SIGTERM: the server stops accepting and finishes in-flight requests, then Nest closes its
  // connections; bounded (docs/scaling.md).
  exitWithin(env.SHUTDOWN_TIMEOUT_MS);
  const app = await createPortalApp(env);
  await app.listen(env.PORTAL_API_PORT, env.PORTAL_API_HOST);
}

main().catch((error: unknown) => {
  // The environment error names each bad variable; print it plainly and stop.
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
