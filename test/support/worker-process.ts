import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, type GatewayProcess } from './redis-cluster';

/**
 * The audit worker as a process of its own (sources compiled on the fly, like
 * `startGatewayProcess`), ready once its metrics listener's /health/live answers.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'ts-register.js'), join(root, 'apps', 'worker', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...env,
        METRICS_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const echo = (d: Buffer) => process.stderr.write(`[worker :${port}] ${d}`);
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d).slice(-4000);
    echo(d);
  });
  child.stdout!.on('data', echo);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`worker exited early: ${stderr}`);
    const up = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
