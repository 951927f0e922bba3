import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProcfile, Supervisor, type SupervisorEvent } from '../scripts/supervisor/supervisor';

const node = JSON.stringify(process.execPath);
/** A long-running child that, on SIGTERM, "finishes its in-flight work" (writes a marker) and exits. */
const graceful = (marker: string) =>
  `${node} -e "process.on('SIGTERM',()=>setTimeout(()=>{require('fs').writeFileSync('${marker}','done');process.exit(0)},200));console.log('ready');setInterval(()=>{},1000)"`;
/** A child that ignores SIGTERM: the supervisor must SIGKILL it after its stop timeout. */
const stubborn = `${node} -e "process.on('SIGTERM',()=>{});console.log('ready');setInterval(()=>{},1000)"`;

const waitFor = async (what: string, probe: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('supervisor (npm start): a killed process comes back, the others keep running; SIGTERM stops all, bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'velvet-supervisor-'));
  const events: SupervisorEvent[] = [];
  let supervisor: Supervisor;

  afterEach(async () => {
    await supervisor?.stop();
  });

  it('restarts the process that was killed (kill -9), and only that one', async () => {
    supervisor = new Supervisor(
      [
        { name: 'gateway', command: graceful(join(dir, 'gateway-1')) },
        { name: 'worker', command: graceful(join(dir, 'worker-1')) },
      ],
      { backoffMs: 100, log: () => undefined },
    );
    supervisor.on((e) => events.push(e));
    supervisor.start();
    await waitFor('both started', () => !!supervisor.pid('gateway') && !!supervisor.pid('worker'));
    const [gatewayPid, workerPid] = [supervisor.pid('gateway')!, supervisor.pid('worker')!];

    process.kill(gatewayPid, 'SIGKILL');
    await waitFor(
      'the gateway back',
      () => supervisor.restarts('gateway') === 1 && !!supervisor.pid('gateway'),
    );
    expect(supervisor.pid('gateway')).not.toBe(gatewayPid);
    expect(() => process.kill(supervisor.pid('gateway')!, 0)).not.toThrow();
    expect(supervisor.pid('worker')).toBe(workerPid);
    expect(supervisor.restarts('worker')).toBe(0);
    expect(events.filter((e) => e.type === 'exited').map((e) => [e.name, e.signal])).toEqual([
      ['gateway', 'SIGKILL'],
    ]);
  });

  it('on stop: every process gets SIGTERM and finishes its work; one that ignores it is killed after the timeout; nothing restarts', async () => {
    const marker = join(dir, 'api-done');
    supervisor = new Supervisor(
      [
        { name: 'api', command: graceful(marker) },
        { name: 'stuck', command: stubborn },
      ],
      {
        backoffMs: 100,
        stopTimeoutMs: 1500,
        log: (line) => line.endsWith(' ready') && ready.push(line),
      },
    );
    const seen: SupervisorEvent[] = [];
    const ready: string[] = [];
    supervisor.on((e) => seen.push(e));
    supervisor.start();
    // both have installed their SIGTERM handlers
    await waitFor('both ready', () => ready.length === 2);
    await supervisor.stop();
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('done');
    const exits = Object.fromEntries(
      seen.filter((e) => e.type === 'exited').map((e) => [e.name, e.signal ?? e.code]),
    );
    expect(exits).toEqual({ api: 0, stuck: 'SIGKILL' });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.some((e) => e.type === 'restarting')).toBe(false);
    expect(supervisor.pid('api')).toBeUndefined();
  });

  it('reads a Procfile and refuses a malformed line', () => {
    expect(parseProcfile('# comment\napi: node a.js --x\n\nworker1: env A=1 node b.js\n')).toEqual([
      { name: 'api', command: 'node a.js --x' },
      { name: 'worker1', command: 'env A=1 node b.js' },
    ]);
    expect(() => parseProcfile('just a command')).toThrow('name: command');
  });
});
