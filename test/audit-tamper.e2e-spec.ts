import {
  AUDIT_CHECKED_COLUMNS,
  AuditIntegrityError,
  AuditRowSweep,
  schemaProblems,
} from '@velvet/audit';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { verifyExport } from '@velvet/audit';
import { exportAs, useAuditStack, type AuditStack } from './support/audit-stack';
import { asInsider, rewriteHistory } from './support/audit-tamper';
import { bearer } from './support/http';

/**
 * Each tamper case (docs/audit.md), played on a real PostgreSQL as its superuser (the insider), and
 * what catches it: the database's leaf CHECK, the read path, the verifier, and the signer.
 */
describe('audit log tamper cases (e2e, as the PostgreSQL superuser)', () => {
  const latestHeadSize = async (s: AuditStack) =>
    Number((await s.db.query('SELECT max(tree_size) AS n FROM audit_tree_head')).rows[0].n ?? 0);
  const alarm = async (s: AuditStack) =>
    (await request(s.portal.url).get('/audit/integrity-alarm').set(bearer(s.reviewer)).expect(200))
      .body.alarm;
  const logprobsSeq = async (s: AuditStack) =>
    Number(
      (await s.db.query(`SELECT min(seq) AS s FROM audit_log WHERE 'logprobs' = ANY(flags)`))
        .rows[0].s,
    );

  describe('a column rewritten, the leaf untouched', () => {
    let s: AuditStack;
    useAuditStack(10, (stack) => (s = stack));

    it('is refused by the database itself, with the triggers disabled and in replica mode', async () => {
      const seq = await logprobsSeq(s);
      await expect(
        asInsider(s.admin, ['audit_log'], (db) =>
          db.query(`UPDATE audit_log SET flags = '{}' WHERE seq = $1`, [seq]),
        ),
      ).rejects.toThrow(/audit_log_matches_leaf/);
      await s.admin.query('BEGIN');
      await s.admin.query(`SET LOCAL session_replication_role = replica`);
      await expect(
        s.admin.query(`UPDATE audit_log SET status = 'failed', input_tokens = 0 WHERE seq = $1`, [
          seq,
        ]),
      ).rejects.toThrow(/audit_log_matches_leaf/);
      await s.admin.query('ROLLBACK');
      const row = (await s.db.query(`SELECT flags FROM audit_log WHERE seq = $1`, [seq])).rows[0];
      expect(row.flags).toContain('logprobs');
    });

    it('with the CHECK dropped: the portal shows the leaf and flags the columns, and the signer refuses and raises the alarm', async () => {
      const seq = await logprobsSeq(s);
      const signedBefore = await latestHeadSize(s);
      const found = async () =>
        (
          await request(s.portal.url)
            .get('/audit/records?flags=logprobs&limit=100')
            .set(bearer(s.reviewer))
            .expect(200)
        ).body.items.map((r: { seq: number }) => r.seq);
      expect(await found()).toContain(seq);
      await asInsider(s.admin, ['audit_log'], async (db) => {
        await db.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_matches_leaf`);
        await db.query(`UPDATE audit_log SET flags = '{}', input_tokens = 0 WHERE seq = $1`, [seq]);
        // put back, but it cannot be validated over the doctored row
        await db.query(
          `ALTER TABLE audit_log ADD CONSTRAINT audit_log_matches_leaf CHECK (audit_row_matches_leaf(${AUDIT_CHECKED_COLUMNS.join(', ')})) NOT VALID`,
        );
      });
      // Search runs on the columns, so the call is hidden from flags=logprobs ...
      expect(await found()).not.toContain(seq);
      // ... but reading it shows the leaf's facts and which columns disagree with it,
      const record = (
        await request(s.portal.url).get(`/audit/records/${seq}`).set(bearer(s.reviewer)).expect(200)
      ).body;
      expect(record.flags).toContain('logprobs');
      expect(record.inputTokens).toBe(12);
      expect(record.integrity).toEqual({
        leafHashValid: true,
        mismatches: expect.arrayContaining(['flags', 'inputTokens']),
      });
      // ... and the signer will not sign another head over a schema that no longer guards the columns.
      await s.calls(1);
      await expect(s.publish()).rejects.toThrow(AuditIntegrityError);
      await expect(s.publish()).rejects.toThrow(/audit_log_matches_leaf is not validated/);
      expect(await latestHeadSize(s)).toBe(signedBefore);
      expect(await alarm(s)).toMatchObject({
        reason: expect.stringMatching(/not validated/),
        databaseSize: await s.size(),
      });
    });
  });

  describe('the check function swapped out for a moment', () => {
    let s: AuditStack;
    useAuditStack(10, (stack) => (s = stack));

    it('leaves the schema looking intact, but the row sweep finds the doctored row and raises the alarm', async () => {
      const seq = await logprobsSeq(s);
      const [{ def }] = (
        await s.admin.query(`SELECT pg_get_functiondef('audit_row_matches_leaf'::regproc) AS def`)
      ).rows;
      await asInsider(s.admin, ['audit_log'], async (db) => {
        await db.query(
          def.replace(
            /AS \$function\$[\s\S]*\$function\$/,
            'AS $function$ BEGIN RETURN true; END $function$',
          ),
        );
        await db.query(`UPDATE audit_log SET flags = '{}' WHERE seq = $1`, [seq]);
        await db.query(def); // the original, back in place
      });
      expect(await schemaProblems(s.worker.get(DataSource))).toEqual([]);
      expect(await s.worker.get(AuditRowSweep).sweep()).toEqual([seq]);
      expect(await alarm(s)).toMatchObject({
        reason: `rows whose columns disagree with their leaf: seq ${seq}`,
      });
    });
  });

  describe('a deleted row', () => {
    let s: AuditStack;
    useAuditStack(12, (stack) => (s = stack));

    it('is reported as a gap by the verifier: an unfiltered export is complete by construction', async () => {
      const before = verifyExport(await exportAs(s));
      expect(before.problems).toEqual([]);
      expect(before).toMatchObject({ ok: true, complete: true });
      const seq = (await logprobsSeq(s)) + 1;
      await asInsider(s.admin, ['audit_log'], (db) =>
        db.query(`DELETE FROM audit_log WHERE seq = $1`, [seq]),
      );
      const after = verifyExport(await exportAs(s));
      expect(after.ok).toBe(false);
      expect(after.complete).toBe(true);
      expect(after.problems).toContain(
        `complete export is missing seq ${seq} (deleted from the log?)`,
      );
    });
  });

  describe('a rewritten tree', () => {
    let s: AuditStack;
    let trusted: string;
    let trustedSize: number;
    useAuditStack(30, (stack) => (s = stack));
    beforeAll(async () => {
      trusted = await s.checkpoint();
      trustedSize = Number(trusted.split('\n')[1]);
    });

    it('the signer refuses to sign the next head, logs and raises the alarm', async () => {
      const seq = await logprobsSeq(s);
      await rewriteHistory(s.admin, seq);
      await s.calls(3); // the worker appends on top of the rewritten tree
      await expect(s.publish()).rejects.toThrow(/not consistent with the last signed head/);
      expect(await latestHeadSize(s)).toBe(trustedSize);
      expect((await s.checkpoint()).split('\n')[1]).toBe(String(trustedSize));
      expect(await alarm(s)).toMatchObject({
        trustedSize,
        reason: expect.stringMatching(/history was rewritten/),
      });
    });

    it('with Redis wiped, old heads deleted and the worker restarted it signs — and a saved checkpoint catches it', async () => {
      await asInsider(s.admin, ['audit_tree_head'], (db) =>
        db.query(`DELETE FROM audit_tree_head`),
      );
      await s.portal.app.get<IORedis>(REDIS).del('audit:trusted-head', 'audit:integrity-alarm');
      await s.restartWorker();
      const head = (await s.publish()) as { treeSize: number };
      expect(head.treeSize).toBe(await s.size());

      const text = await exportAs(s, `&sinceTreeSize=${trustedSize}`);
      // The server-supplied older root is the rewritten one: on its own the export verifies ...
      expect(verifyExport(text, { publicKey: s.vkey }).ok).toBe(true);
      // ... but not against the checkpoint the user saved before the rewrite.
      const result = verifyExport(text, { publicKey: s.vkey, trustedCheckpoint: trusted });
      expect(result.ok).toBe(false);
      expect(result.problems).toContain(
        `the log is not consistent with your trusted checkpoint (${trustedSize}): history was rewritten`,
      );
      // Without sinceTreeSize the verifier says what it needs rather than passing.
      expect(verifyExport(await exportAs(s), { trustedCheckpoint: trusted }).problems).toContain(
        `no consistency proof from your trusted checkpoint's size ${trustedSize}: export with sinceTreeSize=${trustedSize}`,
      );
    });
  });
});
