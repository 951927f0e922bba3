import { verifyExport } from '@velvet/audit';
import { checkTree, synthesizeHistory } from '../scripts/audit/synthetic-history';
import { exportAs, useAuditStack, type AuditStack } from './support/audit-stack';

/**
 * The history `npm run bench:audit` can run on top of (AUDIT_BENCH_HISTORY): rows and tree written
 * in bulk from a few derived calls must be a log like any other — every row passes the leaf CHECK,
 * the tree continues from the log's state, the worker goes on appending and signing, and the
 * offline verifier accepts an export of it against a checkpoint saved before the history.
 */
describe('a synthetic audit history (bench:audit AUDIT_BENCH_HISTORY)', () => {
  let s: AuditStack;
  useAuditStack(5, (stack) => (s = stack));

  it('continues the tree: the worker appends and signs on top, the export verifies against an earlier checkpoint', async () => {
    const saved = await s.checkpoint();
    const before = await s.size();
    await synthesizeHistory(s.db, 2500, { chunk: 1000, templates: 7, distinctBands: true });
    expect(await s.size()).toBe(before + 2500);
    await s.calls(5);
    await s.publish();

    const whole = verifyExport(await exportAs(s), { publicKey: s.vkey });
    expect(whole.problems).toEqual([]);
    expect(whole).toMatchObject({ ok: true, complete: true, treeSize: before + 2505 });
    // and the tree with the history is an extension of the one signed before it
    const savedSize = Number(saved.split('\n')[1]);
    const since = verifyExport(await exportAs(s, `&sinceTreeSize=${savedSize}`), {
      publicKey: s.vkey,
      trustedCheckpoint: saved,
    });
    expect(since.problems).toEqual([]);
    expect(since.ok).toBe(true);
    expect(await checkTree(s.db)).toEqual([]);
    const { rows } = await s.db.query(
      `SELECT count(DISTINCT occurred_at)::int AS times, count(DISTINCT organization_id)::int AS orgs,
              count(DISTINCT completion_bands)::int AS bands,
              bool_and(event_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-7') AS v7
       FROM audit_log WHERE seq >= $1 AND seq < $2`,
      [before, before + 2500],
    );
    expect(rows[0]).toEqual({ times: 2500, orgs: 7, bands: 2500, v7: true });
    // call ids made for each row's time: in the log's order, as the gateway's would be
    const { rows: order } = await s.db.query(
      `SELECT count(*)::int AS out_of_order FROM (
         SELECT event_id COLLATE "C" < lag(event_id COLLATE "C") OVER (ORDER BY seq) AS behind
         FROM audit_log WHERE seq >= $1 AND seq < $2) r WHERE behind`,
      [before, before + 2500],
    );
    expect(order[0]).toEqual({ out_of_order: 0 });
  });
});
