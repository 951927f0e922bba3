import type { INestApplicationContext } from '@nestjs/common';
import { Role } from '@velvet/access';
import { AuditProducer, LocalKeySigner, TreeHeadPublisher, TreeHeadSigner } from '@velvet/audit';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { premiumCall } from './audit-fixtures';
import { startAuditWorker, waitFor } from './audit-worker';
import { bearer, createStaff, type Session } from './http';
import { startPortal, type RunningPortal } from './portal';

export const TEST_LOG_ORIGIN = 'audit.velvet.test/log';

/** A portal, an audit worker signing with a 0600 key file, the app role's and the superuser's clients. */
export interface AuditStack {
  portal: RunningPortal;
  worker: INestApplicationContext;
  /** As the app role (what the apps connect as). */
  db: Client;
  /** As the superuser: the insider who tampers. */
  admin: Client;
  producer: AuditProducer;
  reviewer: Session;
  keyFile: string;
  /** The log's note verifier key (origin+id+key). */
  vkey: string;
  workerEnv: Record<string, string>;
  /** Writes `n` premium calls (every 5th with logprobs) and waits until they are in the log. */
  calls(n: number): Promise<void>;
  /** Signs a head now (the scheduler is slowed down, so tests decide when). */
  publish(): Promise<unknown>;
  restartWorker(): Promise<void>;
  checkpoint(): Promise<string>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** `workerOverrides` may depend on the log's verifier key (e.g. a witness that must know it). */
export async function startAuditStack(
  workerOverrides:
    Record<string, string> | ((vkey: string) => Promise<Record<string, string>>) = {},
): Promise<AuditStack> {
  const dir = mkdtempSync(join(tmpdir(), 'velvet-audit-'));
  const keyFile = join(dir, 'audit-signing-key');
  writeFileSync(
    keyFile,
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    { mode: 0o600 },
  );
  const vkey = new TreeHeadSigner(LocalKeySigner.fromFile(keyFile), TEST_LOG_ORIGIN).vkey;
  const portal = await startPortal();
  const extra =
    typeof workerOverrides === 'function' ? await workerOverrides(vkey) : workerOverrides;
  const workerEnv = {
    AUDIT_SIGNING_KEY_FILE: keyFile,
    AUDIT_LOG_ORIGIN: TEST_LOG_ORIGIN,
    AUDIT_TREE_HEAD_INTERVAL_MS: '3600000',
    ...extra,
  };
  let worker = await startAuditWorker(portal.env.DATABASE_URL, portal.env.QUEUE_PREFIX, workerEnv);
  const db = new Client({ connectionString: portal.env.DATABASE_URL });
  const admin = new Client({ connectionString: portal.database.adminUrl });
  await db.connect();
  await admin.connect();
  const producer = portal.app.get(AuditProducer);
  const reviewer = await createStaff(
    portal,
    Role.SecurityReviewer,
    `sec-${randomUUID()}@velvet.example`,
  );
  const org = randomUUID();
  const key = randomUUID();
  const count = async () =>
    Number(
      (await db.query(`SELECT count(*) FROM audit_log WHERE kind = 'premium_call'`)).rows[0].count,
    );
  const stack: AuditStack = {
    portal,
    get worker() {
      return worker;
    },
    db,
    admin,
    producer,
    reviewer,
    keyFile,
    vkey,
    workerEnv,
    async calls(n) {
      const before = await count();
      const events = Array.from({ length: n }, (_, i) =>
        premiumCall(org, key, i % 5 === 0 ? { params: { logprobs: true, topLogprobs: 5 } } : {}),
      );
      await Promise.all(events.map((e) => producer.recordPremiumCall(e)));
      await waitFor(`${n} more records`, async () => (await count()) === before + n);
    },
    publish: () => worker.get(TreeHeadPublisher).publish(),
    async restartWorker() {
      await worker.close();
      worker = await startAuditWorker(portal.env.DATABASE_URL, portal.env.QUEUE_PREFIX, workerEnv);
    },
    async checkpoint() {
      return (await request(portal.url).get('/audit-log/checkpoint').expect(200)).text;
    },
    async size() {
      return Number((await db.query('SELECT size FROM audit_tree_state')).rows[0].size);
    },
    async close() {
      await db.end();
      await admin.end();
      await worker.close();
      await portal.close();
    },
  };
  // Setup's own admin actions reach the log before the tests count anything.
  await waitFor(
    'setup actions',
    async () => (await db.query(`SELECT 1 FROM audit_log WHERE action = 'staff.created'`)).rowCount,
  );
  return stack;
}

export const exportAs = async (stack: AuditStack, query = '') =>
  (
    await request(stack.portal.url)
      .get(`/audit/export?format=jsonl${query}`)
      .set(bearer(stack.reviewer))
      .expect(200)
  ).text;

/** Jest hooks for the enclosing describe: a fresh stack with `calls` records and a signed head, closed after. */
export function useAuditStack(calls: number, set: (stack: AuditStack) => void): void {
  let stack: AuditStack | undefined;
  beforeAll(async () => {
    stack = await startAuditStack();
    await stack.calls(calls);
    await stack.publish();
    set(stack);
  });
  afterAll(() => stack?.close());
}
