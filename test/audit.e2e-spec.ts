import type { INestApplicationContext } from '@nestjs/common';
import { Role } from '@velvet/access';
import {
  AuditException,
  AuditProducer,
  AuditRetentionService,
  AuditRowSweep,
  auditLeafHash,
  completionsSharingBands,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
} from '@velvet/audit';
import { AdminActivityLog } from '@velvet/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { verifyExport } from '@velvet/audit';
import { startAuditWorker, waitFor } from './support/audit-worker';
import { bearer, createStaff, signUp, type Session } from './support/http';
import { startPortal, type RunningPortal } from './support/portal';
import { premiumCall } from './support/audit-fixtures';

describe('audit log (e2e)', () => {
  let portal: RunningPortal;
  let worker: INestApplicationContext;
  let db: Client;
  /** As the server's superuser: the insider the tamper tests play. */
  let admin: Client;
  let producer: AuditProducer;
  let acme: Session;
  let globex: Session;
  let reviewer: Session;
  const keyA = randomUUID();
  const keyB = randomUUID();

  const count = async () =>
    Number(
      (await db.query(`SELECT count(*) FROM audit_log WHERE kind = 'premium_call'`)).rows[0].count,
    );
  const size = async () =>
    Number((await db.query('SELECT size FROM audit_tree_state')).rows[0].size);
  const orgRecords = async (orgId: string) =>
    Number(
      (await db.query('SELECT count(*) FROM audit_log WHERE organization_id = $1', [orgId])).rows[0]
        .count,
    );
  const latestHead = async (minSize: number) =>
    waitFor(`a tree head of ${minSize}`, async () => {
      const res = await request(portal.url).get('/audit/tree-heads/latest').set(bearer(reviewer));
      return res.status === 200 && res.body.treeSize >= minSize ? res.body : null;
    });

  beforeAll(async () => {
    portal = await startPortal();
    worker = await startAuditWorker(portal.env.DATABASE_URL, portal.env.QUEUE_PREFIX);
    db = new Client({ connectionString: portal.env.DATABASE_URL });
    await db.connect();
    admin = new Client({ connectionString: portal.database.adminUrl });
    await admin.connect();
    producer = portal.app.get(AuditProducer);
    acme = await signUp(portal, 'Acme Audit', `a-${randomUUID()}@acme.example`);
    globex = await signUp(portal, 'Globex Audit', `g-${randomUUID()}@globex.example`);
    reviewer = await createStaff(
      portal,
      Role.SecurityReviewer,
      `sec-${randomUUID()}@velvet.example`,
    );
    // Setup's own admin actions (staff created, ...) reach the log first.
    await waitFor(
      'setup actions',
      async () =>
        (await db.query(`SELECT 1 FROM audit_log WHERE action = 'staff.created'`)).rowCount,
    );
  });

  afterAll(async () => {
    await db?.end();
    await admin?.end();
    await worker?.close();
    await portal?.close();
  });

  it('writes every premium call once, even when the same job is enqueued again', async () => {
    const calls = [
      ...Array.from({ length: 30 }, () => premiumCall(acme.organizationId!, keyA)),
      ...Array.from({ length: 20 }, () =>
        premiumCall(globex.organizationId!, keyB, {
          params: { logprobs: true, topLogprobs: 5, n: 4 },
        }),
      ),
    ];
    await Promise.all(calls.map((c) => producer.recordPremiumCall(c)));
    await producer.recordPremiumCall(calls[0]); // a retried call: BullMQ or the database dedupes it
    await waitFor('50 records', async () => (await count()) === 50);
    await new Promise((r) => setTimeout(r, 500));
    await producer.recordPremiumCall(calls[1]); // redelivered after completion
    await new Promise((r) => setTimeout(r, 800));
    expect(await count()).toBe(50);
    const seqs = (await db.query('SELECT seq FROM audit_log ORDER BY seq')).rows.map((r) =>
      Number(r.seq),
    );
    expect(seqs).toEqual(Array.from({ length: await size() }, (_, i) => i));
    const row = (
      await db.query(`SELECT * FROM audit_log WHERE event_id = $1`, [calls[30].requestId])
    ).rows[0];
    // request shapes, then the prompt's own shape (one user message, no system prompt: single_turn)
    expect(row.flags.sort()).toEqual(['logprobs', 'multi_sample', 'single_turn']);
    // 16 minhash-v1 bands (verbatim copies) + 16 words-v1 bands (edited copies), for provenance
    expect(row.completion_bands).toHaveLength(32);
    expect(row.prompt_sha256.toString('hex')).toMatch(/^[0-9a-f]{64}$/);
  });

  it("indexes each premium call's completion bands in its day's partition, where provenance search finds it", async () => {
    const call = (
      await db.query(
        `SELECT seq, occurred_at, completion_bands, completion_sha256 FROM audit_log WHERE kind = 'premium_call' ORDER BY seq DESC LIMIT 1`,
      )
    ).rows[0];
    const day = (call.occurred_at as Date).toISOString().slice(0, 10).replace(/-/g, '');
    const entry = (
      await db.query(
        `SELECT tableoid::regclass::text AS partition, bands FROM audit_completion_bands WHERE seq = $1`,
        [call.seq],
      )
    ).rows;
    expect(entry).toEqual([
      { partition: `audit_completion_bands_p${day}`, bands: call.completion_bands },
    ]);
    // one entry per premium call, none for other records
    const [{ calls, entries }] = (
      await db.query(
        `SELECT (SELECT count(*) FROM audit_log WHERE completion_bands IS NOT NULL)::int AS calls,
                (SELECT count(*) FROM audit_completion_bands)::int AS entries`,
      )
    ).rows;
    expect(entries).toBe(calls);
    const search = () =>
      completionsSharingBands(portal.app.get(DataSource).manager, {
        bands: [call.completion_bands[7]],
        sha256Hex: call.completion_sha256.toString('hex'),
        limit: 100,
      });
    const found = (await search()).find((c) => c.seq === call.seq);
    expect(found).toMatchObject({ exact: true, completionBands: call.completion_bands });

    // The band index is outside the tree: the apps may only append to it; an insider's deletion
    // hides the call from the search (it cannot touch the log) and the row sweep reports it.
    await expect(
      db.query(`DELETE FROM audit_completion_bands WHERE seq = $1`, [call.seq]),
    ).rejects.toThrow(/permission denied/);
    const sweep = worker.get(AuditRowSweep);
    expect(await sweep.bandIndexMismatches(0, await size())).toEqual([]);
    await admin.query(`DELETE FROM audit_completion_bands WHERE seq = $1`, [call.seq]);
    expect(await sweep.bandIndexMismatches(0, await size())).toEqual([Number(call.seq)]);
    expect((await search()).map((c) => c.seq)).not.toContain(call.seq);
    await admin.query(
      `INSERT INTO audit_completion_bands SELECT seq, occurred_at, completion_bands FROM audit_log WHERE seq = $1`,
      [call.seq],
    );
    expect(await sweep.bandIndexMismatches(0, await size())).toEqual([]);
  });

  it('refuses updates, deletes and truncation in the database itself', async () => {
    // The apps' role has no such privilege, and owns nothing it could ALTER.
    await expect(db.query(`UPDATE audit_log SET status = 'failed' WHERE seq = 0`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.query(`DELETE FROM audit_log WHERE seq = 0`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/permission denied/);
    await expect(
      db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`),
    ).rejects.toThrow(/must be owner/);
    await expect(db.query(`UPDATE audit_tree_head SET tree_size = 1`)).rejects.toThrow(
      /permission denied/,
    );
    // Even a superuser meets the triggers first.
    await expect(
      admin.query(`UPDATE audit_log SET status = 'failed' WHERE seq = 0`),
    ).rejects.toThrow(/append-only/);
    await expect(admin.query(`DELETE FROM audit_log WHERE seq = 0`)).rejects.toThrow(/append-only/);
    await expect(admin.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    await expect(admin.query(`DELETE FROM audit_tree_node`)).rejects.toThrow(/append-only/);
    await expect(admin.query(`UPDATE audit_tree_head SET tree_size = 1`)).rejects.toThrow(
      /append-only/,
    );
    expect(await count()).toBe(50);
  });

  it('publishes signed tree heads and serves inclusion and consistency proofs', async () => {
    const n = await size();
    const head = await latestHead(n);
    expect(head.treeSize).toBe(n);
    expect(verifyTreeHead(head)).toBe(true);
    const record = (
      await request(portal.url).get('/audit/records/7').set(bearer(reviewer)).expect(200)
    ).body;
    const proof = (
      await request(portal.url)
        .get('/audit/records/7/inclusion-proof')
        .set(bearer(reviewer))
        .expect(200)
    ).body;
    expect(proof.rootHash).toBe(head.rootHash);
    const buf = (h: string) => Buffer.from(h, 'hex');
    expect(auditLeafHash(record.leaf).toString('hex')).toBe(record.leafHash);
    expect(record.integrity).toEqual({ leafHashValid: true, mismatches: [] });
    expect(
      verifyInclusion(7, n, buf(record.leafHash), proof.proof.map(buf), buf(head.rootHash)),
    ).toBe(true);

    await producer.recordAdminAction({
      actorUserId: reviewer.userId,
      organizationId: acme.organizationId,
      action: 'org.premium_suspended',
      subjectType: 'Organization',
      subjectId: acme.organizationId!,
      reason: 'test',
    });
    const next = await latestHead(n + 1);
    const c = (
      await request(portal.url)
        .get(`/audit/proofs/consistency?first=${n}`)
        .set(bearer(reviewer))
        .expect(200)
    ).body;
    expect(c.firstTreeHead.rootHash).toBe(head.rootHash);
    expect(
      verifyConsistency(
        n,
        next.treeSize,
        buf(c.firstRootHash),
        buf(c.secondRootHash),
        c.proof.map(buf),
      ),
    ).toBe(true);
    expect(c.secondRootHash).toBe(c.secondTreeHead.rootHash);

    await request(portal.url)
      .get(`/audit/proofs/consistency?first=${n + 5}&second=${n}`)
      .set(bearer(reviewer))
      .expect(422);
    await request(portal.url)
      .get('/audit/proofs/consistency?first=-1')
      .set(bearer(reviewer))
      .expect(400);
    await request(portal.url).get('/audit/records/99999').set(bearer(reviewer)).expect(404);
  });

  it('lets reviewers search everything, org admins only their own, and members nothing', async () => {
    const all = await request(portal.url)
      .get('/audit/records?kind=premium_call&limit=100')
      .set(bearer(reviewer))
      .expect(200);
    expect(all.body.total).toBe(50);
    const flagged = await request(portal.url)
      .get('/audit/records?flags=logprobs,multi_sample')
      .set(bearer(reviewer))
      .expect(200);
    expect(flagged.body.total).toBe(20);
    const byKey = await request(portal.url)
      .get(`/audit/records?apiKeyId=${keyA}&modelSlug=aurum-1`)
      .set(bearer(reviewer))
      .expect(200);
    expect(byKey.body.total).toBe(30);
    const future = await request(portal.url)
      .get(`/audit/records?from=${new Date(Date.now() + 3600_000).toISOString()}`)
      .set(bearer(reviewer))
      .expect(200);
    expect(future.body.total).toBe(0);

    const own = await request(portal.url)
      .get('/audit/records?kind=premium_call')
      .set(bearer(acme))
      .expect(200);
    expect(own.body.total).toBe(30);
    expect(
      own.body.items.every(
        (r: { organizationId: string }) => r.organizationId === acme.organizationId,
      ),
    ).toBe(true);
    await request(portal.url)
      .get(`/audit/records?organizationId=${globex.organizationId}`)
      .set(bearer(acme))
      .expect(404);
    await request(portal.url)
      .get(`/audit/export?organizationId=${globex.organizationId}`)
      .set(bearer(acme))
      .expect(404);
    const globexSeq = (
      await db.query(`SELECT seq FROM audit_log WHERE organization_id = $1 LIMIT 1`, [
        globex.organizationId,
      ])
    ).rows[0].seq;
    await request(portal.url).get(`/audit/records/${globexSeq}`).set(bearer(acme)).expect(404);
    await request(portal.url)
      .get(`/audit/records/${globexSeq}/inclusion-proof`)
      .set(bearer(acme))
      .expect(404);

    await request(portal.url)
      .get('/audit/records?flags=nonsense')
      .set(bearer(reviewer))
      .expect(400);
    await request(portal.url)
      .get('/audit/records?organizationId=not-a-uuid')
      .set(bearer(reviewer))
      .expect(400);
    await request(portal.url).get('/audit/records').expect(401);
    const am = await createStaff(portal, Role.AccountManager, `am-${randomUUID()}@velvet.example`);
    await request(portal.url).get('/audit/records').set(bearer(am)).expect(403);
    await request(portal.url).get('/audit/export').set(bearer(am)).expect(403);
  });

  it('exports JSON lines that verify offline, and detects altered, deleted and reordered records', async () => {
    const n = (await latestHead(await size())).treeSize;
    const res = await request(portal.url)
      .get(`/audit/export?format=jsonl&sinceTreeSize=${n - 1}`)
      .set(bearer(reviewer))
      .expect(200);
    const text = res.text;
    const ok = verifyExport(text);
    expect(ok.problems).toEqual([]);
    expect(ok).toMatchObject({ ok: true, complete: true, records: n, treeSize: n });

    const lines = text.trim().split('\n');
    const altered = [...lines];
    altered[5] = altered[5].replace('"inputTokens\\":12', '"inputTokens\\":13');
    expect(altered[5]).not.toBe(lines[5]);
    expect(verifyExport(altered.join('\n')).ok).toBe(false);

    const deleted = lines
      .filter((_, i) => i !== 7)
      .map((l) =>
        l.startsWith('{"type":"end"') ? l.replace(`"records":${n}`, `"records":${n - 1}`) : l,
      );
    expect(verifyExport(deleted.join('\n')).ok).toBe(false);

    const reordered = [...lines];
    [reordered[3], reordered[4]] = [reordered[4], reordered[3]];
    expect(verifyExport(reordered.join('\n')).ok).toBe(false);

    // An org admin's export holds only their records, each with a proof against the same head.
    const own = verifyExport(
      (await request(portal.url).get('/audit/export').set(bearer(acme)).expect(200)).text,
    );
    expect(own).toMatchObject({
      ok: true,
      complete: false,
      records: await orgRecords(acme.organizationId!),
    });

    const csv = await request(portal.url)
      .get(`/audit/export?format=csv&organizationId=${globex.organizationId}`)
      .set(bearer(reviewer))
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.trim().split('\r\n')).toHaveLength(
      1 + (await orgRecords(globex.organizationId!)),
    );
  });

  it('keeps texts only under a retention policy and purges them without touching the log', async () => {
    await portal.app.get(AuditRetentionService).setPolicy(acme.organizationId!, 30);
    // A NUL (which PostgreSQL text cannot hold) must not poison the batch.
    const kept = premiumCall(acme.organizationId!, keyA, {
      completionText: 'a retained\u0000 completion',
      userAgent: 'ua\u0000x',
    });
    const dropped = premiumCall(globex.organizationId!, keyB);
    await producer.recordPremiumCall(kept);
    await producer.recordPremiumCall(dropped);
    await waitFor('two more records', async () => (await count()) === 52);
    const texts = (await db.query('SELECT event_id, completion_text, expires_at FROM audit_text'))
      .rows;
    expect(texts.map((t) => t.event_id)).toEqual([kept.requestId]);
    expect(texts[0].completion_text).toBe('a retained\uFFFD completion');
    const purged = await portal.app
      .get(AuditRetentionService)
      .purgeExpired(new Date(Date.now() + 31 * 86400_000));
    expect(purged).toBe(1);
    expect(await count()).toBe(52);
  });

  it('records admin actions through the AdminActivityLog binding', async () => {
    await portal.app.get(AdminActivityLog).record({
      actorUserId: reviewer.userId,
      organizationId: globex.organizationId,
      action: 'api_key.revoked',
      subjectType: 'ApiKey',
      subjectId: keyB,
      details: { name: 'x' },
    });
    const row = await waitFor(
      'the admin action',
      async () =>
        (
          await db.query(
            `SELECT * FROM audit_log WHERE action = 'api_key.revoked' AND subject_id = $1`,
            [keyB],
          )
        ).rows[0],
    );
    expect(row).toMatchObject({
      kind: 'admin_action',
      actor_user_id: reviewer.userId,
      organization_id: globex.organizationId,
    });

    // Key creation and revocation through the portal land in the same log, with who did it.
    const key = (
      await request(portal.url)
        .post(`/organizations/${acme.organizationId}/api-keys`)
        .set(bearer(acme))
        .send({ name: 'audited' })
        .expect(201)
    ).body;
    await request(portal.url)
      .delete(`/organizations/${acme.organizationId}/api-keys/${key.id}`)
      .set(bearer(acme))
      .expect(200);
    const actions = await waitFor('key actions', async () => {
      const rows = (
        await db.query(
          `SELECT action, actor_user_id FROM audit_log WHERE subject_id = $1 ORDER BY seq`,
          [key.id],
        )
      ).rows;
      return rows.length === 2 ? rows : null;
    });
    expect(actions).toEqual([
      { action: 'api_key.created', actor_user_id: acme.userId },
      { action: 'api_key.revoked', actor_user_id: acme.userId },
    ]);
    const search = await request(portal.url)
      .get('/audit/records?kind=admin_action')
      .set(bearer(acme))
      .expect(200);
    expect(search.body.items.map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['api_key.created', 'api_key.revoked']),
    );
  });

  it('catches a superuser who bypasses the triggers and rewrites a record', async () => {
    await waitFor(
      'a tree head covering the log',
      async () => (await latestHead(0)).treeSize === (await size()),
    );
    await admin.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`);
    const seq = Number(
      (await db.query(`SELECT min(seq) AS s FROM audit_log WHERE kind = 'premium_call'`)).rows[0].s,
    );
    // A consistent forgery of the row: new leaf, its correct v2 leaf hash, and the column to match (the CHECK).
    const forged = await admin.query(
      `UPDATE audit_log SET leaf = replace(leaf, '"inputTokens":12', '"inputTokens":1'), input_tokens = 1,
         leaf_hash = sha256('\\x00'::bytea || sha256(convert_to(replace(leaf, '"inputTokens":12', '"inputTokens":1'), 'UTF8')))
       WHERE seq = $1 AND leaf LIKE '%"inputTokens":12%'`,
      [seq],
    );
    expect(forged.rowCount).toBe(1);
    await admin.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`);
    const result = verifyExport(
      (await request(portal.url).get('/audit/export').set(bearer(reviewer)).expect(200)).text,
    );
    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      `record seq ${seq}: inclusion proof does not verify against the tree head`,
    );
    expect(result.problems.join('\n')).not.toMatch(/leaf does not match/);
  });

  it('fails closed when Redis cannot accept the job', async () => {
    const broken = new AuditProducer(
      {
        connection: { host: '127.0.0.1', port: 1, maxRetriesPerRequest: null },
        prefix: 'test-broken',
      },
      { enqueueTimeoutMs: 500 },
    );
    await expect(
      broken.recordPremiumCall(premiumCall(acme.organizationId!, keyA)),
    ).rejects.toBeInstanceOf(AuditException);
    await broken.onApplicationShutdown();
  });
});
