import { checkPolicy, parsePolicy } from '@velvet/audit';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExport } from '@velvet/audit';
import { exportAs, startAuditStack, TEST_LOG_ORIGIN, type AuditStack } from './support/audit-stack';
import { asInsider, rewriteHistory } from './support/audit-tamper';
import { startWitnessPeer, type WitnessPeer } from './support/witness-peer';

/**
 * C2SP tlog-witness: the worker submits every checkpoint (with a consistency proof from the
 * witness's last size) to the witnesses of its tlog-policy file and keeps their cosignatures;
 * /checkpoint serves them, and the verifier requires the policy's quorum. Two witness peers (our
 * own implementation of the protocol) run beside the stack.
 */
describe('audit log witnesses (e2e)', () => {
  let s: AuditStack;
  let w1: WitnessPeer;
  let w2: WitnessPeer;
  const dir = mkdtempSync(join(tmpdir(), 'velvet-policy-'));
  const policy = (quorum: string, extra = '') =>
    parsePolicy(
      `log ${s.vkey}\nwitness w1 ${w1.vkey} ${w1.url}\nwitness w2 ${w2.vkey} ${w2.url}\n${extra}${quorum}\n`,
    );

  beforeAll(async () => {
    s = await startAuditStack(async (vkey) => {
      w1 = await startWitnessPeer('witness-one.test/w', [vkey]);
      w2 = await startWitnessPeer('witness-two.test/w', [vkey]);
      const file = join(dir, 'worker-policy');
      writeFileSync(
        file,
        `log ${vkey}\nwitness w1 ${w1.vkey} ${w1.url}\nwitness w2 ${w2.vkey} ${w2.url}\ngroup both all w1 w2\nquorum both\n`,
      );
      return { AUDIT_WITNESS_POLICY_FILE: file, AUDIT_WITNESS_TIMEOUT_MS: '2000' };
    });
  });
  afterAll(async () => {
    await s?.close();
    await w1?.close();
    await w2?.close().catch(() => undefined);
  });

  it('collects a cosignature from each witness, checkpoint after checkpoint, and serves them', async () => {
    await s.calls(10);
    await s.publish();
    await s.calls(5);
    const head = (await s.publish()) as { treeSize: number };
    expect(w1.latest(TEST_LOG_ORIGIN)?.size).toBe(head.treeSize);
    expect(w2.latest(TEST_LOG_ORIGIN)?.size).toBe(head.treeSize);
    // Each checkpoint after the first went with a consistency proof from the witness's last size.
    expect(w1.requests.length).toBeGreaterThanOrEqual(2);
    expect(w1.requests.every((r) => r.status === 200)).toBe(true);
    const note = await s.checkpoint();
    expect(note.split('\n').filter((l) => l.startsWith('\u2014 '))).toHaveLength(3);
    expect(checkPolicy(note, policy('group both all w1 w2\nquorum both'))).toEqual({
      ok: true,
      problems: [],
      cosigners: ['w1', 'w2'],
    });
  });

  it('lets the verifier require a quorum (tlog-policy)', async () => {
    const text = await exportAs(s);
    expect(
      verifyExport(text, { publicKey: s.vkey, policy: policy('group both all w1 w2\nquorum both') })
        .problems,
    ).toEqual([]);
    const stricter = policy(
      'witness w3 ' +
        (await startWitnessPeer('witness-three.test/w', [s.vkey]).then(
          async (w) => (await w.close(), w.vkey),
        )) +
        '\ngroup all3 all w1 w2 w3\nquorum all3',
    );
    const result = verifyExport(text, { publicKey: s.vkey, policy: stricter });
    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      'policy: witness quorum "all3" not met (valid cosignatures from: w1, w2)',
    );
  });

  it('publishes when a witness is down; a policy that needs it then fails', async () => {
    await w2.close();
    await s.calls(3);
    const head = (await s.publish()) as { treeSize: number };
    expect(w1.latest(TEST_LOG_ORIGIN)?.size).toBe(head.treeSize);
    const note = await s.checkpoint();
    expect(checkPolicy(note, policy('group any1 any w1 w2\nquorum any1')).ok).toBe(true);
    expect(checkPolicy(note, policy('group both all w1 w2\nquorum both')).problems).toEqual([
      'witness quorum "both" not met (valid cosignatures from: w1)',
    ]);
  });

  it('refuses to cosign a rewritten history, even once the insider got the log to sign it', async () => {
    const witnessed = w1.latest(TEST_LOG_ORIGIN)!.size;
    const seq = Number(
      (await s.db.query(`SELECT min(seq) AS s FROM audit_log WHERE kind = 'premium_call'`)).rows[0]
        .s,
    );
    await rewriteHistory(s.admin, seq);
    await asInsider(s.admin, ['audit_tree_head'], (db) => db.query(`DELETE FROM audit_tree_head`));
    await s.portal.app.get<IORedis>(REDIS).del('audit:trusted-head');
    await s.restartWorker();
    await s.calls(2);
    const head = (await s.publish()) as { treeSize: number };
    expect(head.treeSize).toBeGreaterThan(witnessed);
    expect(w1.latest(TEST_LOG_ORIGIN)?.size).toBe(witnessed);
    expect(w1.requests.at(-1)?.status).toBe(422);
    expect(checkPolicy(await s.checkpoint(), policy('quorum w1')).ok).toBe(false);
  });
});
