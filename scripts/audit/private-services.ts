/**
 * The fault test's own Redis and PostgreSQL servers: started on free loopback ports in a
 * temporary directory, restarted and starved by the test, removed afterwards. Nothing else on the
 * machine (the shared servers other suites use) is touched.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { sleep } from './audit-harness';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class PrivateRedis {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'velvet-faults-redis-')),
    );
    await r.launch();
    return r;
  }

  private cli(...args: string[]): string {
    return execFileSync('redis-cli', ['-p', String(this.port), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  }

  private ping(): boolean {
    try {
      return this.cli('ping') === 'PONG';
    } catch {
      return false;
    }
  }

  /** Append-only persistence (fsync every second), loopback only, as deployed (scripts/ensure-services.sh). */
  private async launch(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    await until('Redis to start', () => this.ping());
  }

  /** SHUTDOWN (fsyncs the append-only file), then the same server again. Returns the downtime in ms. */
  async restart(): Promise<number> {
    const t0 = Date.now();
    const exited = new Promise((r) => this.child!.once('exit', r));
    try {
      this.cli('shutdown');
    } catch {
      // redis-cli reports the dropped connection of a successful shutdown as an error
    }
    await exited;
    if (this.ping()) throw new Error('Redis still answers after SHUTDOWN');
    await this.launch();
    return Date.now() - t0;
  }

  /**
   * Caps memory below what Redis holds for `ms`, so every write is refused (OOM), then lifts the
   * cap. Returns how many writes of a probe were refused with OOM: > 0 proves the fault happened.
   */
  async starve(ms: number): Promise<number> {
    const probe = new IORedis({
      port: this.port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    probe.on('error', () => undefined);
    await probe.connect();
    let refused = 0;
    try {
      const used = Number(/used_memory:(\d+)/.exec(await probe.info('memory'))![1]);
      await probe.config('SET', 'maxmemory', String(Math.max(1, Math.floor(used / 2))));
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await probe.set('faults:probe', String(Date.now())).catch((e: Error) => {
          if (e.message.includes('OOM')) refused++;
        });
        await sleep(100);
      }
    } finally {
      await probe.config('SET', 'maxmemory', '0');
      probe.disconnect();
    }
    return refused;
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throw-away cluster made with initdb, run as the `postgres` OS user (PostgreSQL refuses root). */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    const bin = versions
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((b) => existsSync(join(b, 'initdb')));
    if (!bin) throw new Error('no PostgreSQL server binaries (initdb) under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'velvet-faults-pg-'));
    if (process.getuid?.() === 0) {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, id('-u'), id('-g'));
    }
    const pg = new PrivatePostgres(await freePort(), dir, bin);
    pg.asPostgres(
      'initdb',
      '-D',
      pg.data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    );
    pg.ctl('start');
    return pg;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private asPostgres(tool: string, ...args: string[]): void {
    const cmd = process.getuid?.() === 0 ? 'runuser' : join(this.bin, tool);
    const argv =
      process.getuid?.() === 0 ? ['-u', 'postgres', '--', join(this.bin, tool), ...args] : args;
    execFileSync(cmd, argv, { stdio: 'ignore', cwd: this.dir });
  }

  private ctl(action: 'start' | 'restart' | 'stop', mode = 'fast'): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on`;
    this.asPostgres(
      'pg_ctl',
      '-D',
      this.data,
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
      '-m',
      mode,
      '-o',
      opts,
      action,
    );
  }

  /** A fast restart (connections dropped, in-flight transactions rolled back). Returns the downtime in ms. */
  async restart(): Promise<number> {
    const t0 = Date.now();
    this.ctl('restart');
    return Date.now() - t0;
  }

  async stop(): Promise<void> {
    try {
      this.ctl('stop', 'immediate');
    } catch {
      // already down
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
