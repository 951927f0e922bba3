import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface LocalRedisCluster {
  /** REDIS_CLUSTER_NODES for the apps. */
  nodes: string;
  stop(): void;
}

const scripts = join(__dirname, '..', '..', 'scripts');

/** A 3-master Redis Cluster on free loopback ports (scripts/redis-cluster-start.sh). */
export function startRedisCluster(): LocalRedisCluster {
  const out = execFileSync('bash', [join(scripts, 'redis-cluster-start.sh'), '3'], {
    encoding: 'utf8',
  });
  const value = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(out)![1].trim();
  const dir = value('REDIS_CLUSTER_DIR');
  return {
    nodes: value('REDIS_CLUSTER_NODES'),
    stop: () => execFileSync('bash', [join(scripts, 'redis-cluster-stop.sh'), dir]),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A gateway as a process of its own (its sources compiled on the fly, test/support/ts-register.js),
 * ready once /health/live answers.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'ts-register.js'), join(root, 'apps', 'gateway', 'src', 'main.ts')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...env,
        GATEWAY_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
    process.stderr.write(`[gateway :${port}] ${d}`);
  });
  // Its warnings and errors (LOG_LEVEL=warn) appear in the suite's output.
  child.stdout!.on('data', (d) => process.stderr.write(`[gateway :${port}] ${d}`));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early: ${stderr}`);
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
