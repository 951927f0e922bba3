// Before any other import: tracing must patch modules before they load.
import './tracing';
import { InvalidEnvironmentError } from '@velvet/config';
import { exitWithin } from '@velvet/common';
import { loadDetectionWorkerEnv } from './env';
import { createDetectionWorkerApp } from './worker-app';

async function main() {
  const env = loadDetectionWorkerEnv();
  // SIGTERM: the active run stops at its next batch (its job is released to be retried), bounded.
  exitWithin(env.SHUTDOWN_TIMEOUT_MS);
  await createDetectionWorkerApp(env);
}

main().catch((error: unknown) => {
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
