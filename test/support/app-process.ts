import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface AppProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface AppProcessOptions {
  /** false: the child's stdout is left to the suite to read, not echoed (a suite that reads info lines). */
  echoStdout?: boolean;
}

/**
 * One of the apps as a process of its own (its sources compiled on the fly,
 * test/support/ts-register.js), listening on a free port given in `portVariable`, ready once its
 * /health/live answers. Its warnings and errors (LOG_LEVEL=warn) appear in the suite's output.
 */
async function startAppProcess(
  app: 'gateway' | 'worker' | 'portal-api',
  portVariable: string,
  env: Record<string, string>,
  { echoStdout = true }: AppProcessOptions = {},
): Promise<AppProcess> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'ts-register.js'), join(root, 'apps', app, 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...env,
        [portVariable]: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const echo = (d: Buffer) => process.stderr.write(`[${app} :${port}] ${d}`);
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d).slice(-4000);
    echo(d);
  });
  if (echoStdout) child.stdout!.on('data', echo);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited early: ${stderr}`);
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

/** A gateway process. */
export const startGatewayProcess = (env: Record<string, string>, options?: AppProcessOptions) =>
  startAppProcess('gateway', 'GATEWAY_PORT', env, options);

/** The worker (audit writer and jobs) as a process; its metrics listener serves /health/live. */
export const startWorkerProcess = (env: Record<string, string>) =>
  startAppProcess('worker', 'METRICS_PORT', env);

/** The portal API as a process. */
export const startPortalApiProcess = (env: Record<string, string>) =>
  startAppProcess('portal-api', 'PORTAL_API_PORT', env);
