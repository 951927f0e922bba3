import { readFileSync } from 'node:fs';
import { parseProcfile, Supervisor } from './supervisor/supervisor';

/**
 * `node dist/scripts/supervise.js <Procfile>`: runs every process of the file, restarts any that
 * exits, and on SIGTERM/SIGINT stops them all gracefully (SIGKILL after SUPERVISOR_STOP_TIMEOUT_MS).
 */
const file = process.argv[2];
if (!file) {
  console.error('usage: supervise <Procfile>');
  process.exit(2);
}
const supervisor = new Supervisor(parseProcfile(readFileSync(file, 'utf8')), {
  stopTimeoutMs: Number(process.env.SUPERVISOR_STOP_TIMEOUT_MS ?? 15_000),
  backoffMs: Number(process.env.SUPERVISOR_BACKOFF_MS ?? 1000),
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.log(`[supervisor] ${signal}: stopping every process`);
    void supervisor.stop('SIGTERM').then(() => process.exit(0));
  });
}
supervisor.start();
