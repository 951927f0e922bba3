import { InvalidEnvironmentError } from '@velvet/config';
import { loadDetectionWorkerEnv } from './env';
import { createDetectionWorkerApp } from './worker-app';

async function main() {
  await createDetectionWorkerApp(loadDetectionWorkerEnv());
}

main().catch((error: unknown) => {
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
