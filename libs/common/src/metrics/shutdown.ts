/**
 * Bounds a graceful shutdown: Nest's shutdown hooks finish in-flight requests and close the BullMQ
 * workers (active jobs complete, the rest stay queued), but a hung connection or job must not keep
 * a supervisor waiting forever. After `ms` the process exits with 1 and the supervisor moves on.
 */
export function exitWithin(ms: number, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  for (const signal of signals) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`graceful shutdown took longer than ${ms} ms: exiting`);
        process.exit(1);
      }, ms).unref();
    });
  }
}
