import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Cores: the load generator gets one, everything it measures shares the other. */
export const LOAD_CORE = '0';
export const SERVER_CORE = '1';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node args...` pinned to a core (the servers' by default); resolves once `ready` appears
 * on stdout, or the port answers.
 */
export async function startPinned(
  name: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    readyPort?: number;
    logFile?: number | 'ignore';
    core?: string;
  } = {},
): Promise<ChildProcess> {
  const child = spawn('taskset', ['-c', options.core ?? SERVER_CORE, process.execPath, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.logFile ?? 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const fail = () => reject(new Error(`${name} exited early: ${stderr}`));
    child.once('exit', fail);
    const done = () => {
      child.off('exit', fail);
      resolve();
    };
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && done());
    if (options.readyPort) void waitForPort(options.readyPort).then(done, reject);
  });
  return child;
}

async function waitForPort(port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`port ${port} never answered`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The child's real pid: `taskset` execs node, so it is the same process. */
export const pidOf = (child: ChildProcess): number => child.pid!;

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN; // the process went away (e.g. a shared Redis restarted by another suite)
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by every PostgreSQL process on the machine (server and backends; a
 * backend that exits between two readings takes its share with it). The bench's own processes
 * are PostgreSQL's only clients while it runs, so the difference over a run is what they cost it.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue; // gone meanwhile
    }
    if (comm !== 'postgres') continue;
    const cpu = cpuSeconds(Number(entry));
    if (Number.isFinite(cpu)) total += cpu;
  }
  return total;
}

export function rssMb(pid: number): number {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return NaN;
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** SIGTERM, then SIGKILL after `graceMs` (a `--cpu-prof` process writes its profile only when it exits by itself). */
export async function stop(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The bench upstream on `upPort` and the calibration proxy in front of it, both pinned to the server core. */
export async function startUpstreamAndCalibration(
  upPort: number,
): Promise<{ upstream: ChildProcess; calibration: ChildProcess; calPort: number }> {
  const upstream = await startPinned('upstream', [
    join(__dirname, 'minimal-upstream.js'),
    String(upPort),
  ]);
  const calPort = await freePort();
  const calibration = await startPinned('calibration', [
    join(__dirname, 'calibration-proxy.js'),
    String(calPort),
    String(upPort),
  ]);
  return { upstream, calibration, calPort };
}
