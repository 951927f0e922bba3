/** Shared by the audit benchmark and the fault test: a scratch database, a worker process, synthetic calls. */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditProducer, newCallId, type PremiumCallEvent } from '@velvet/audit';
import {
  APP_ROLE,
  dropDatabase,
  ensureDatabase,
  ensureRoles,
  maintainPartitions,
  migrate,
  OWNER_ROLE,
  urlAs,
} from '@velvet/database';
import type { ConnectionOptions } from 'bullmq';
import { Client } from 'pg';
import { deleteKeysWithPrefix, redisOptions } from '@velvet/queue';

export const ROOT = join(__dirname, '..', '..', '..');
export const PG_SERVER =
  process.env.AUDIT_BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Scratch {
  url: string;
  prefix: string;
  db: Client;
  drop(): Promise<void>;
}

/**
 * A migrated database and a queue prefix of our own, so nothing else on the machine is touched.
 * As deployed: migrated by the owner role, `url` connects as the app role (the workers' role).
 * With `template`: a copy of that database (a kept history) instead of an empty one.
 */
export async function scratch(kind: string, template?: string): Promise<Scratch> {
  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const adminUrl = `${PG_SERVER}/velvet_${kind}_test_${tag}`;
  await ensureRoles(`${PG_SERVER}/postgres`);
  // a kept benchmark history (bench-audit's AUDIT_BENCH_HISTORY_KEEP) is copied, with today's partitions
  await ensureDatabase(adminUrl, template, OWNER_ROLE, template ? 'FILE_COPY' : undefined);
  if (template) await maintainPartitions(urlAs(adminUrl, OWNER_ROLE));
  await migrate(urlAs(adminUrl, OWNER_ROLE));
  const url = urlAs(adminUrl, APP_ROLE);
  const db = new Client({ connectionString: url });
  await db.connect();
  return {
    url,
    prefix: `${kind}-${tag}`,
    db,
    async drop() {
      await db.end().catch(() => undefined);
      await dropDatabase(adminUrl);
      await deleteKeysWithPrefix(REDIS_URL, `${kind}-${tag}`);
    },
  };
}

/**
 * As production runs it (scripts/start.sh, docker/worker.Dockerfile): a young generation big
 * enough that the ~1,000 jobs a worker holds until their batch commits mostly die young instead of
 * being promoted (+8–15 % records/s measured, docs/audit.md).
 */
const WORKER_NODE_FLAGS = [
  '--max-semi-space-size=64',
  ...(process.env.AUDIT_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
];

/** One signing key file (mode 0600) per queue prefix: a restarted worker signs with the same key, as deployed. */
const keyFiles = new Map<string, string>();
function keyFileFor(prefix: string): string {
  let file = keyFiles.get(prefix);
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), 'velvet-bench-key-')), 'audit-signing-key');
    writeFileSync(
      file,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      { mode: 0o600 },
    );
    keyFiles.set(prefix, file);
  }
  return file;
}

export function startWorker(s: Scratch, env: Record<string, string> = {}): ChildProcess {
  return spawn(
    process.execPath,
    [...WORKER_NODE_FLAGS, join(ROOT, 'dist/apps/worker/src/main.js')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: s.url,
        REDIS_URL,
        QUEUE_PREFIX: s.prefix,
        LOG_LEVEL: 'warn',
        AUDIT_TREE_HEAD_INTERVAL_MS: '1000',
        AUDIT_SIGNING_KEY_FILE: keyFileFor(s.prefix),
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

export function producerFor(s: Scratch, enqueueTimeoutMs = 2000): AuditProducer {
  return new AuditProducer(
    { connection: redisOptions(REDIS_URL) as ConnectionOptions, prefix: s.prefix },
    { enqueueTimeoutMs },
  );
}

const WORDS =
  'model data report revenue region contract enterprise growth customer support query answer train sample output token policy'.split(
    ' ',
  );

/** A plausible call: a ~60-word prompt and a ~120-word completion, different every time. */
export function syntheticCall(
  organizationId: string,
  apiKeyId: string,
  i: number,
): PremiumCallEvent {
  const text = (n: number) =>
    Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 13 + (k % 5) * i) % WORDS.length]).join(
      ' ',
    );
  return {
    requestId: newCallId(), // as the gateway makes call ids
    organizationId,
    apiKeyId,
    userId: null,
    modelId: '00000000-0000-4000-8000-000000000001',
    modelSlug: 'aurum-1',
    tier: 'premium',
    occurredAt: new Date(),
    clientIp: '127.0.0.1',
    userAgent: 'bench',
    params: { temperature: 0.7, n: 1, maxTokens: 512, logprobs: i % 10 === 0 },
    promptText: `user: ${text(60)} #${i}`,
    completionText: `${text(120)} #${i}`,
    inputTokens: 80,
    outputTokens: 160,
    latencyMs: 300,
    status: 'succeeded',
    finishReason: 'stop',
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, sleep(15_000)]);
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
