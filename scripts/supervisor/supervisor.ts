import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  name: string;
  /** A shell command line; run as `sh -c "exec <command>"`, so signals reach the program itself. */
  command: string;
  env?: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /** First restart delay; doubled after each crash that came soon after a start, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A process that stayed up this long is healthy again: its next crash restarts after backoffMs. */
  stableAfterMs?: number;
  /** SIGTERM to every process, then SIGKILL to those still running after this long. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

export type SupervisorEvent = {
  type: 'started' | 'exited' | 'restarting';
  name: string;
  pid?: number;
  code?: number | null;
  signal?: string | null;
  inMs?: number;
};

interface Slot {
  spec: ProcessSpec;
  child: ChildProcess | null;
  startedAt: number;
  backoff: number;
  timer: NodeJS.Timeout | null;
  restarts: number;
}

/**
 * Keeps every process of `npm start` running: a process that exits (crash, OOM, kill -9) is
 * started again after a backoff, while the others keep serving. `concurrently --kill-others` stopped
 * the whole product instead, and concurrently's own restart option neither resets its backoff nor
 * tells a crash from the supervisor's own shutdown. SIGTERM stops everything gracefully, bounded.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private stopping: Promise<void> | null = null;
  private readonly listeners: Array<(e: SupervisorEvent) => void> = [];
  private readonly o: Required<Omit<SupervisorOptions, 'log'>> & { log: (line: string) => void };

  constructor(specs: ProcessSpec[], options: SupervisorOptions = {}) {
    this.o = {
      backoffMs: options.backoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      stableAfterMs: options.stableAfterMs ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
      log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    };
    this.slots = specs.map((spec) => ({
      spec,
      child: null,
      startedAt: 0,
      backoff: this.o.backoffMs,
      timer: null,
      restarts: 0,
    }));
  }

  on(listener: (e: SupervisorEvent) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    for (const slot of this.slots) this.launch(slot);
  }

  pid(name: string): number | undefined {
    return this.slots.find((s) => s.spec.name === name)?.child?.pid;
  }

  restarts(name: string): number {
    return this.slots.find((s) => s.spec.name === name)?.restarts ?? 0;
  }

  private emit(e: SupervisorEvent): void {
    for (const l of this.listeners) l(e);
  }

  private launch(slot: Slot): void {
    const { name, command, env } = slot.spec;
    const child = spawn('sh', ['-c', `exec ${command}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    const width = Math.max(...this.slots.map((s) => s.spec.name.length));
    const prefix = `[${name.padEnd(width)}]`;
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', (line) => this.o.log(`${prefix} ${line}`));
    this.o.log(`${prefix} started (pid ${child.pid})`);
    this.emit({ type: 'started', name, pid: child.pid });
    child.on('error', (error) => this.o.log(`${prefix} could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      slot.child = null;
      this.o.log(`${prefix} exited (${signal ?? `code ${code}`})`);
      this.emit({ type: 'exited', name, code, signal });
      if (this.stopping) return;
      if (Date.now() - slot.startedAt >= this.o.stableAfterMs) slot.backoff = this.o.backoffMs;
      const delay = slot.backoff;
      slot.backoff = Math.min(slot.backoff * 2, this.o.maxBackoffMs);
      this.o.log(`${prefix} restarting in ${delay} ms`);
      this.emit({ type: 'restarting', name, inMs: delay });
      slot.timer = setTimeout(() => {
        slot.timer = null;
        slot.restarts++;
        if (!this.stopping) this.launch(slot);
      }, delay);
    });
  }

  /** SIGTERM to every process (each finishes its in-flight work), SIGKILL after stopTimeoutMs. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping ??= (async () => {
      const running = this.slots.filter((s) => {
        if (s.timer) clearTimeout(s.timer);
        return s.child && s.child.exitCode === null && s.child.signalCode === null;
      });
      const exits = running.map(
        (s) => new Promise<void>((resolve) => s.child!.once('exit', () => resolve())),
      );
      for (const s of running) s.child!.kill(signal);
      const killer = setTimeout(() => {
        for (const s of this.slots) {
          if (s.child) {
            this.o.log(`[${s.spec.name}] still running after ${this.o.stopTimeoutMs} ms: SIGKILL`);
            s.child.kill('SIGKILL');
          }
        }
      }, this.o.stopTimeoutMs);
      await Promise.all(exits);
      clearTimeout(killer);
    })();
    return this.stopping;
  }
}

/**
 * `name: command` per line (a Procfile); blank lines and `#` comments skipped, `${VAR}` left to
 * the shell that runs the command.
 */
export function parseProcfile(text: string): ProcessSpec[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(l);
      if (!m) throw new Error(`not a "name: command" line: ${l}`);
      return { name: m[1], command: m[2] };
    });
}
