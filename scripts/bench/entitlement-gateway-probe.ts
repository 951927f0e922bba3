/**
 * The real gateway as a child process, and a probe that calls a premium model through it until
 * the answer flips (allowed <-> denied). Used by bench-entitlement-propagation.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface RunningGateway {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export async function startGatewayProcess(
  databaseUrl: string,
  prefix: string,
  redisUrl: string,
): Promise<RunningGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, '../../apps/gateway/src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'error',
      // the probe calls back to back: limits off for the bench
      GATEWAY_ORG_RPM: '100000000',
      GATEWAY_KEY_RPM: '100000000',
      GATEWAY_ORG_TPM: '100000000000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const up = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() - started > 30_000) throw new Error('gateway did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Calls `model` back to back; resolves with the time the first answer with the wanted outcome arrived. */
export async function callUntil(
  url: string,
  key: string,
  model: string,
  allowed: boolean,
  timeoutMs = 5000,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 4 }),
    });
    const body = await res.text();
    const at = performance.timeOrigin + performance.now();
    // an ended contract is a hard stop answered 429 insufficient_quota (code contract_ended); every
    // other refusal of access is a 403
    const denied = res.status === 403 || (res.status === 429 && body.includes('"contract_ended"'));
    if (allowed ? res.status === 200 : denied) return at;
    if (res.status !== 200 && !denied) throw new Error(`gateway answered ${res.status}`);
    if (performance.now() - started > timeoutMs)
      throw new Error(`no ${allowed ? 'allow' : 'deny'} within ${timeoutMs} ms`);
  }
}
