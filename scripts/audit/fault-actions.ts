/** The faults: restart Redis (append-only on, loopback only, its own settings kept) and PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { sleep } from './audit-harness';

const redisCli = (...args: string[]) => execFileSync('redis-cli', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

function redisConfig(name: string): string {
  return redisCli('config', 'get', name).split('\n')[1] ?? '';
}

async function waitRedis(up: boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let ok = false;
    try {
      ok = redisCli('ping') === 'PONG';
    } catch {
      ok = false;
    }
    if (ok === up) return;
    await sleep(100);
  }
  throw new Error(`Redis did not come ${up ? 'up' : 'down'}`);
}

/** SHUTDOWN (which fsyncs the append-only file), then the same server again. Returns the downtime in ms. */
export async function restartRedis(): Promise<number> {
  const settings = {
    port: redisConfig('port') || '6379',
    dir: redisConfig('dir') || '/var/lib/redis',
    logfile: redisConfig('logfile'),
    save: redisConfig('save'),
    appendfsync: redisConfig('appendfsync') || 'everysec',
  };
  const t0 = Date.now();
  try {
    redisCli('shutdown');
  } catch {
    // redis-cli reports the dropped connection of a successful shutdown as an error
  }
  await waitRedis(false);
  const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', settings.port, '--appendonly', 'yes',
    '--appendfsync', settings.appendfsync, '--dir', settings.dir, '--save', settings.save];
  if (settings.logfile) args.push('--logfile', settings.logfile);
  execFileSync('redis-server', args);
  await waitRedis(true);
  return Date.now() - t0;
}

export async function restartPostgres(): Promise<number> {
  const t0 = Date.now();
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'restart'], { stdio: 'ignore' });
  for (let i = 0; i < 300; i++) {
    try {
      execFileSync('pg_isready', ['-h', '127.0.0.1', '-q']);
      break;
    } catch {
      await sleep(100);
    }
  }
  return Date.now() - t0;
}
