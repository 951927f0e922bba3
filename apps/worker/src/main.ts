// Before any other import: tracing must patch modules before they load.
import './tracing';
import { InvalidEnvironmentError } from '@velvet/config';
import { exitWithin } from '@velvet/common';
import { loadWorkerEnv } from './env';
import { createWorkerApp } from './worker-app';

async function main() {
  const env = loadWorkerEnv();
  // SIGTERM: the BullMQ workers close (active batches finish and are acknowledged, the rest stay
  // queued for the other worker or the next start), within a bound (docs/scaling.md).
  exitWithin(env.SHUTDOWN_TIMEOUT_MS);
  await createWorkerApp(env);
}

main().catch((error: unknown) => {
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
