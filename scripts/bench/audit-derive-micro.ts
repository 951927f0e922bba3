/**
 * CPU µs per record of the audit worker's own work on a gateway stream event, before the database:
 * deriving the entry (MinHash, words-v1, flags, hashes, eventSha256) and preparing it (leaf, leaf
 * hash, COPY row). process.cpuUsage() over the bench's synthetic events, several rounds, min and
 * median: CPU time, so a loaded machine inflates it less than wall time (it still does, by cache and
 * core contention; compare builds by alternating runs).
 * `node dist/scripts/bench/audit-derive-micro.js [events] [rounds]`
 */
import { loadavg } from 'node:os';
import { encodePremiumCallEvent, entryOfAuditStreamRecord, prepareEntry } from '@velvet/audit';
import { syntheticCall } from '../audit/audit-harness';

const EVENTS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 9);

const org = '11111111-1111-4111-8111-111111111111';
const key = '22222222-2222-4222-8222-222222222222';
const records = Array.from({ length: EVENTS }, (_, i) => [
  'v',
  encodePremiumCallEvent({
    ...syntheticCall(org, key, i),
    costMicros: String(1000 + i),
    currency: 'USD',
  }),
]);
const entries = records.map((r) => entryOfAuditStreamRecord(r));

const steps: Record<string, () => void> = {
  derive: () => records.forEach((r) => entryOfAuditStreamRecord(r)),
  prepare: () => entries.forEach((e) => prepareEntry(e)),
  'derive + prepare': () => records.forEach((r) => prepareEntry(entryOfAuditStreamRecord(r))),
};

const perRecord: Record<string, number[]> = {};
for (let round = 0; round <= ROUNDS; round++)
  for (const [name, run] of Object.entries(steps)) {
    const before = process.cpuUsage();
    run();
    const d = process.cpuUsage(before);
    if (round > 0) (perRecord[name] ??= []).push((d.user + d.system) / EVENTS); // round 0 warms the JIT
  }

console.log(
  `CPU µs per record, ${EVENTS} events × ${ROUNDS} rounds, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [name, values] of Object.entries(perRecord)) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(18)} min ${sorted[0].toFixed(1).padStart(6)}  median ${sorted[sorted.length >> 1].toFixed(1).padStart(6)}`,
  );
}
