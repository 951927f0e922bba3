/** After the faults: every successful premium call has exactly one record, and the Merkle tree verifies. */
import {
  auditLeafHash,
  CompactRange,
  consistencyRanges,
  rangeHash,
  verifyConsistency,
  verifyTreeHead,
  type SignedTreeHead,
} from '@velvet/audit';
import type { Client } from 'pg';

export interface Reconciliation {
  succeededCalls: number;
  premiumRecords: number;
  missing: number;
  extra: number;
  duplicates: number;
  treeSize: number;
  leavesMatchHashes: boolean;
  rootMatchesState: boolean;
  treeHeads: number;
  treeHeadsVerify: boolean;
  headsConsistent: boolean;
  ok: boolean;
}

export async function reconcile(db: Client, succeeded: Set<string>): Promise<Reconciliation> {
  const rows = (
    await db.query(`SELECT seq, event_id, kind, leaf, leaf_hash FROM audit_log ORDER BY seq`)
  ).rows;
  const premium = new Set<string>(
    rows.filter((r) => r.kind === 'premium_call').map((r) => r.event_id),
  );
  const missing = [...succeeded].filter((id) => !premium.has(id)).length;
  const extra = [...premium].filter((id) => !succeeded.has(id)).length;
  const duplicates = rows.length - new Set(rows.map((r) => r.event_id)).size;
  const [state] = (await db.query(`SELECT size, root FROM audit_tree_state`)).rows;

  // Rebuild the tree from the leaves themselves, and keep the nodes for the heads' checks.
  const range = CompactRange.empty();
  const nodes = new Map<string, Buffer>();
  let leavesMatchHashes = true;
  rows.forEach((r, i) => {
    const hash = auditLeafHash(r.leaf);
    if (Number(r.seq) !== i || !hash.equals(r.leaf_hash)) leavesMatchHashes = false;
    for (const n of range.append(hash)) nodes.set(`${n.level}/${n.index}`, n.hash);
  });
  const node = (level: number, index: number) => nodes.get(`${level}/${index}`) as Buffer;
  const rootMatchesState = range.size === Number(state.size) && range.root().equals(state.root);

  const heads: SignedTreeHead[] = (
    await db.query(`SELECT * FROM audit_tree_head ORDER BY tree_size, id`)
  ).rows.map((h) => ({
    treeSize: Number(h.tree_size),
    timestampMs: Number(h.timestamp_ms),
    rootHash: h.root_hash.toString('hex'),
    signature: h.signature.toString('base64'),
    publicKey: h.public_key.toString('base64'),
    keyId: h.key_id,
  }));
  const treeHeadsVerify = heads.every(
    (h) =>
      verifyTreeHead(h) &&
      h.treeSize <= range.size &&
      rangeHash(0, h.treeSize, node).toString('hex') === h.rootHash,
  );
  let headsConsistent = true;
  for (let i = 1; i < heads.length; i++) {
    const [a, b] = [heads[i - 1], heads[i]];
    const proof = consistencyRanges(a.treeSize, b.treeSize).map(([s, e]) => rangeHash(s, e, node));
    if (
      !verifyConsistency(
        a.treeSize,
        b.treeSize,
        Buffer.from(a.rootHash, 'hex'),
        Buffer.from(b.rootHash, 'hex'),
        proof,
      )
    )
      headsConsistent = false;
  }
  const result = {
    succeededCalls: succeeded.size,
    premiumRecords: premium.size,
    missing,
    extra,
    duplicates,
    treeSize: range.size,
    leavesMatchHashes,
    rootMatchesState,
    treeHeads: heads.length,
    treeHeadsVerify,
    headsConsistent,
  };
  return {
    ...result,
    ok:
      succeeded.size > 0 &&
      missing === 0 &&
      duplicates === 0 &&
      leavesMatchHashes &&
      rootMatchesState &&
      treeHeadsVerify &&
      headsConsistent,
  };
}
