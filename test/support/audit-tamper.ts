import { auditLeafHash, CompactRange } from '@velvet/audit';
import type { Client } from 'pg';

/** Runs `statements` as the superuser with the append-only triggers of `tables` off, in one transaction. */
export async function asInsider(
  admin: Client,
  tables: string[],
  statements: (db: Client) => Promise<unknown>,
): Promise<void> {
  await admin.query('BEGIN');
  try {
    for (const t of tables) await admin.query(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_no_change`);
    await statements(admin);
    for (const t of tables) await admin.query(`ALTER TABLE ${t} ENABLE TRIGGER ${t}_no_change`);
    await admin.query('COMMIT');
  } catch (error) {
    await admin.query('ROLLBACK');
    throw error;
  }
}

/**
 * What a careful insider does: rewrites one record's leaf (and its column, to satisfy the CHECK),
 * then rebuilds every tree node and the tree state from the doctored leaves, so that the database
 * is self-consistent and proofs from it verify — against a root nobody signed before.
 */
export async function rewriteHistory(admin: Client, seq: number): Promise<void> {
  const rows: Array<{ seq: string; leaf: string }> = (
    await admin.query('SELECT seq, leaf FROM audit_log ORDER BY seq')
  ).rows;
  const leaves = rows.map((r) =>
    Number(r.seq) === seq ? r.leaf.replace('"inputTokens":12', '"inputTokens":1') : r.leaf,
  );
  if (leaves[seq] === rows[seq].leaf)
    throw new Error(`record ${seq} has no inputTokens 12 to rewrite`);
  const range = CompactRange.empty();
  const nodes = leaves.flatMap((leaf) => range.append(auditLeafHash(leaf)));
  await asInsider(admin, ['audit_log', 'audit_tree_node'], async (db) => {
    await db.query(
      `UPDATE audit_log SET leaf = $1, leaf_hash = $2, input_tokens = 1 WHERE seq = $3`,
      [leaves[seq], auditLeafHash(leaves[seq]), seq],
    );
    await db.query(`DELETE FROM audit_tree_node`);
    await db.query(
      `INSERT INTO audit_tree_node (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
    );
    await db.query(`UPDATE audit_tree_state SET frontier = $1::bytea[], root = $2 WHERE id = 1`, [
      range.hashes,
      range.root(),
    ]);
  });
}
