import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TreeHeadSigner } from '@velvet/audit';
import request from 'supertest';
import { startAuditStack, TEST_LOG_ORIGIN, type AuditStack } from './support/audit-stack';
import { asInsider } from './support/audit-tamper';

const run = promisify(execFile);
/** Built by scripts/ensure-go-verifier.sh (npm test runs it) from Go's golang.org/x/mod/sumdb/{note,tlog}. */
const GO_VERIFIER = join(__dirname, '../.velvet/bin/velvet-tlog-verify');
const haveGo = existsSync(GO_VERIFIER);
if (!haveGo)
  console.warn(
    `skipping the Go verifier suite: ${GO_VERIFIER} is missing (run bash scripts/ensure-go-verifier.sh)`,
  );

/**
 * The audit log's C2SP checkpoint and tlog-tiles, checked by code this project did not write: Go's
 * sumdb/note opens the checkpoint with the log's verifier key, sumdb/tlog authenticates every
 * tile against it, rebuilds the root, proves a record's inclusion and consistency with a checkpoint
 * saved earlier; every public entry (SHA-256 of a leaf) must hash to its leaf hash.
 */
(haveGo ? describe : describe.skip)(
  'audit log as a C2SP tlog-tiles log, verified by Go sumdb/note + sumdb/tlog (e2e)',
  () => {
    let s: AuditStack;
    let oldCheckpoint: string;
    const verify = (...args: string[]) =>
      run(GO_VERIFIER, ['-url', `${s.portal.url}/audit-log`, '-vkey', s.vkey, ...args], {
        timeout: 60_000,
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          out: e.stdout + e.stderr,
        }),
      );

    beforeAll(async () => {
      s = await startAuditStack();
      await s.calls(300); // a full level-0 tile, a partial one, and a partial level-1 tile
      await s.publish();
      oldCheckpoint = join(mkdtempSync(join(tmpdir(), 'velvet-cp-')), 'checkpoint');
      writeFileSync(oldCheckpoint, await s.checkpoint());
      await s.calls(20);
      await s.publish();
    });
    afterAll(() => s?.close());

    it('serves the checkpoint and tiles without a login, in the formats the spec gives', async () => {
      const cp = await request(s.portal.url).get('/audit-log/checkpoint').expect(200);
      expect(cp.headers['content-type']).toMatch(/^text\/plain; charset=utf-8/);
      const size = await s.size();
      expect(cp.text).toMatch(
        new RegExp(
          `^${TEST_LOG_ORIGIN.replace(/[./]/g, '\\$&')}\n${size}\n[A-Za-z0-9+/]{43}=\n\n\u2014 ${TEST_LOG_ORIGIN.replace(/[./]/g, '\\$&')} `,
        ),
      );
      const full = await request(s.portal.url).get('/audit-log/tile/0/000').expect(200);
      expect(full.body).toHaveLength(256 * 32);
      expect(full.headers['cache-control']).toMatch(/immutable/);
      const partial = await request(s.portal.url)
        .get(`/audit-log/tile/0/001.p/${size - 256}`)
        .expect(200);
      expect(partial.body).toHaveLength((size - 256) * 32);
      const entries = await request(s.portal.url).get('/audit-log/tile/entries/000').expect(200);
      expect(entries.body).toHaveLength(256 * 34);
      await request(s.portal.url).get('/audit-log/tile/0/002').expect(404); // beyond the log
      await request(s.portal.url).get('/audit-log/tile/0/1').expect(404); // not a tile path
      await request(s.portal.url)
        .get(`/audit-log/tile/0/001.p/${size - 255}`)
        .expect(404); // wider than signed
    });

    it('verifies: signature, tiles, entries, inclusion, and consistency with an older checkpoint', async () => {
      const result = await verify('-old', oldCheckpoint, '-record', '123');
      expect(result.out).toMatch(/consistent with the old checkpoint of \d+ entries/);
      expect(result.out).toMatch(/^OK: /m);
      expect(result.code).toBe(0);
    });

    it('fails on the wrong key, and on a tile the superuser changed', async () => {
      const other = await verify('-vkey', TreeHeadSigner.ephemeral(TEST_LOG_ORIGIN).vkey);
      expect(other.code).toBe(1);
      expect(other.out).toMatch(/checkpoint signature/);
      await asInsider(s.admin, ['audit_tree_node'], (db) =>
        db.query(`UPDATE audit_tree_node SET hash = sha256(hash) WHERE level = 0 AND idx = 7`),
      );
      const result = await verify('-record', '7');
      expect(result.code).toBe(1);
      expect(result.out).toMatch(/FAIL/);
    });
  },
);
