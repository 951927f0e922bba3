import { InvalidEnvironmentError } from '@velvet/config';
import { loadWorkerEnv } from './env';
import { createWorkerApp } from './worker-app';

async function main() {
  const env = loadWorkerEnv();
  await createWorkerApp(env);
}

main().catch((error: unknown) => {
  console.error(error instanceof InvalidEnvironmentError ? error.message : error);
  process.exit(1);
});
