import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's time goes: the first rule matching its script (or function, for V8's own entries). */
const PHASES: [string, RegExp][] = [
  ['GC', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
  ['native (V8 runtime, system calls)', /^\(program\)$/],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format)/],
  [
    'tracing (OpenTelemetry, async context)',
    /node_modules\/(@opentelemetry|require-in-the-middle|import-in-the-middle|protobufjs)|libs\/telemetry\/|node:async_hooks|node:internal\/async_local_storage/,
  ],
  [
    'Redis client (ioredis)',
    /node_modules\/(ioredis|redis-parser|denque|cluster-key-slot|standard-as-callback)/,
  ],
  ['upstream client (undici)', /node_modules\/undici|node:internal\/deps\/undici/],
  [
    'HTTP server (fastify, node:http)',
    /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|@nestjs\/platform-fastify)|node:_http|node:internal\/http/,
  ],
  ['validation (zod)', /node_modules\/zod/],
  ['token counting (tiktoken)', /node_modules\/tiktoken|chat-request\.schema/],
  ['audit entry (MinHash, hashes)', /libs\/audit\//],
  [
    'auth + entitlement (key cache, CASL)',
    /apps\/gateway\/src\/(auth|access)\/|libs\/(access|entitlements|api-keys)\/|node_modules\/@casl/,
  ],
  ['metering (scripts, usage record)', /libs\/metering\//],
  ['call path (admission, recorder, service)', /apps\/gateway\/src\//],
  ['Nest, other libraries', /node_modules\//],
  ['node: net, streams, timers', /^node:/],
];

const phaseOf = (f: ProfileNode['callFrame']): string | null => {
  const key = f.url || f.functionName;
  if (!f.url && !/^\(/.test(f.functionName)) return null; // a builtin: counted with its caller
  // WebAssembly (tiktoken's tokenizer, undici's HTTP parser): counted with the JavaScript that called it
  if (f.url.startsWith('wasm://')) return null;
  for (const [name, re] of PHASES) if (re.test(key)) return name;
  return f.url ? 'other' : null;
};

/**
 * Self time of a `--cpu-prof` profile by phase, within [fromMs, toMs] of the profile's start, in
 * µs per request (gaps between samples capped, see below: an estimate of CPU, not of wall time). Builtins (JSON, crypto, Buffer) count for the phase of the code that called them.
 */
export function cpuByPhase(
  dir: string,
  fromMs: number,
  toMs: number,
  requests: number,
): Record<string, number> {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phase = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = phase.get(id);
    if (known) return known;
    const own = phaseOf(byId.get(id)!.callFrame);
    const parentId = parent.get(id);
    const result = own ?? (parentId === undefined ? 'other' : resolve(parentId));
    phase.set(id, result);
    return result;
  };
  // A sample's time is the gap to the next one, which also holds any time the process was not
  // running (preempted by other processes, often right in the write() that woke them): on a busy
  // machine that would be charged to socket writes. Gaps are capped at twice the median interval.
  const sorted = [...p.timeDeltas].sort((a, b) => a - b);
  const cap = 2 * (sorted[Math.floor(sorted.length / 2)] || 1000);
  const totals: Record<string, number> = {};
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const ms = t / 1000;
    if (ms < fromMs || ms > toMs) continue;
    const dt = Math.min(cap, p.timeDeltas[i + 1] ?? 0);
    const name = resolve(p.samples[i]);
    totals[name] = (totals[name] ?? 0) + dt;
  }
  delete totals.idle;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(totals).sort((a, b) => b[1] - a[1]))
    out[k] = Math.round((v / requests) * 10) / 10;
  return out;
}
