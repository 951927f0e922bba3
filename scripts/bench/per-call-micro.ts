/**
 * CPU µs of single per-call steps of the gateway, measured with process.cpuUsage() (CPU time, so
 * a busy machine inflates the figures less than wall time would): the premium receipt (the leaf
 * hash derived from the audit event, then the Ed25519 signature), the audit event's JSON, and one
 * HTTP-duration observation with prom-client's Histogram against the lean one.
 * `node dist/scripts/bench/per-call-micro.js [rounds]`
 */
import { loadavg } from 'node:os';
import { Histogram, Registry } from 'prom-client';
import {
  encodePremiumCallEvent,
  eventSha256Of,
  LocalKeySigner,
  type PremiumCallEvent,
  ReceiptSigner,
} from '@velvet/audit';
import { LATENCY_BUCKETS, leanHistogram } from '@velvet/common';

const ROUNDS = Number(process.argv[2] ?? 3000);

function cpuUs(label: string, run: () => unknown): number {
  for (let i = 0; i < Math.min(500, ROUNDS); i++) run(); // JIT warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) run();
  const d = process.cpuUsage(before);
  const us = (d.user + d.system) / ROUNDS;
  console.log(`${label.padEnd(58)} ${us.toFixed(1).padStart(8)} µs`);
  return us;
}

async function cpuUsAsync(label: string, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(500, ROUNDS); i++) await run();
  const before = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await run();
  const d = process.cpuUsage(before);
  const us = (d.user + d.system) / ROUNDS;
  console.log(`${label.padEnd(58)} ${us.toFixed(1).padStart(8)} µs`);
  return us;
}

/** The bench's premium call (bench-gateway.ts): one short user message, a one-sentence answer. */
const event = (i: number): PremiumCallEvent => ({
  requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  organizationId: '11111111-1111-4111-8111-111111111111',
  apiKeyId: '22222222-2222-4222-8222-222222222222',
  userId: null,
  modelId: '33333333-3333-4333-8333-333333333333',
  modelSlug: 'bench-premium',
  tier: 'premium',
  occurredAt: new Date(),
  clientIp: '127.0.0.1',
  userAgent: 'undici',
  params: {
    temperature: null,
    topP: null,
    n: null,
    maxTokens: 64,
    logprobs: null,
    topLogprobs: null,
    toolsCount: 0,
    stream: false,
  },
  promptText: 'user: Summarise in one sentence why a velvet rope makes access feel earned.',
  promptSha256: 'a'.repeat(64),
  completionText: 'A velvet rope makes access feel earned.',
  inputTokens: 24,
  outputTokens: 9,
  latencyMs: 1,
  status: 'succeeded',
  finishReason: 'stop',
});

async function main() {
  console.log(
    `CPU per step (${ROUNDS} rounds; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  let i = 0;
  const json = () =>
    encodePremiumCallEvent({ ...event(i++), costMicros: '1234', currency: 'USD' } as never);
  cpuUs('audit event JSON (encodePremiumCallEvent)', json);
  const sample = json();
  const leaf = cpuUs('receipt: SHA-256 of the event (what a v2 receipt commits to)', () =>
    eventSha256Of(sample),
  );
  const signer = new ReceiptSigner(LocalKeySigner.ephemeral(), 'bench.example');
  const hash = eventSha256Of(sample);
  const sign = await cpuUsAsync('receipt: Ed25519 signature (ReceiptSigner.sign)', () =>
    signer.sign('00000000-0000-4000-8000-000000000000', hash),
  );
  console.log(`${'receipt total'.padEnd(58)} ${(leaf + sign).toFixed(1).padStart(8)} µs`);

  const labels = ['method', 'route', 'status'] as const;
  const reference = new Histogram({
    name: 'ref_seconds',
    help: 'x',
    labelNames: labels,
    buckets: LATENCY_BUCKETS,
    registers: [new Registry()],
  });
  const lean = leanHistogram(new Registry(), 'lean_seconds', 'x', labels, LATENCY_BUCKETS);
  const statuses = ['200', '200', '200', '429'];
  let k = 0;
  cpuUs("HTTP duration observation, prom-client's Histogram", () =>
    reference.observe(
      { method: 'POST', route: '/v1/chat/completions', status: statuses[k++ & 3] },
      0.0012,
    ),
  );
  cpuUs('HTTP duration observation, LeanHistogram', () =>
    lean.observe(
      { method: 'POST', route: '/v1/chat/completions', status: statuses[k++ & 3] },
      0.0012,
    ),
  );
}

void main();
