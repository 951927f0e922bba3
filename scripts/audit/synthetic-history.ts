import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import {
  auditLeafHash,
  CompactRange,
  encodePremiumCallEvent,
  entryOfAuditStreamRecord,
  fingerprintDigest,
  INDEX_BANDS_SQL,
  LOG_COPY_COLUMNS,
  newCallId,
  prepareEntry,
  type PremiumCallEntry,
} from '@velvet/audit';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { syntheticCall } from './audit-harness';

export interface HistoryOptions {
  /** Distinct derived calls the rows are made from (each its own organisation and key). */
  templates?: number;
  /** The history's calls are spread evenly over this many days before now. */
  days?: number;
  /** Rows per transaction. */
  chunk?: number;
  /**
   * Each row its own random completion band keys (as many as its template's) instead of its
   * template's: the band index (audit_completion_bands' GINs) then holds as many distinct keys as a log of
   * that many different completions would, not a few templates' worth.
   */
  distinctBands?: boolean;
  progress?: (appended: number) => void;
}

const ESCAPED = /\\([\\nrt])/g;
const UNESCAPE: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', t: '\t' };
const copyBytea = (hash: Buffer): string => `\\\\x${hash.toString('hex')}`;

/**
 * Appends `n` premium-call records to the audit log quickly, as a history for a benchmark to run
 * on top of: rows the writer would have written (each passes the leaf CHECK), every perfect subtree
 * of the tree in audit_tree_node, and the tree state (size, frontier, root) continued from whatever
 * the log held, so the workers' appends and signed heads carry on from it. Speed comes from not
 * deriving every call: a few `templates` calls are derived for real (MinHash, bands, flags,
 * hashes, via prepareEntry), and each row is a template with its own occurred_at and a call id
 * made as the gateway makes them for that time (time-ordered, newCallId), its leaf hash recomputed (auditLeafHash) and its tree nodes from CompactRange.
 * Bands go into audit_completion_bands as the writer puts them. Texts are not kept (no audit_text rows). Callers hold the log alone while it runs (no worker).
 */
export async function synthesizeHistory(
  db: Client,
  n: number,
  o: HistoryOptions = {},
): Promise<void> {
  const chunk = o.chunk ?? 10_000;
  const until = Date.now();
  const from = until - (o.days ?? 30) * 86_400_000;
  const anchor = new Date(from).toISOString();
  const templates = Array.from({ length: o.templates ?? 64 }, (_, t) => {
    const marker = newCallId(from);
    const call = { ...syntheticCall(randomUUID(), randomUUID(), t), requestId: marker };
    call.occurredAt = new Date(anchor);
    const json = encodePremiumCallEvent({ ...call, costMicros: '1000', currency: 'USD' });
    const prepared = prepareEntry(entryOfAuditStreamRecord(['v', json], new Date(anchor)));
    const row = prepared.row.toString('utf8');
    const cut = row.lastIndexOf('\t');
    const head = row.slice(0, cut);
    const leaf = head.slice(head.lastIndexOf('\t') + 1).replace(ESCAPED, (_, c) => UNESCAPE[c]);
    if (!auditLeafHash(leaf).equals(prepared.leafHash) || !leaf.includes(marker))
      throw new Error('template leaf not found in its row');
    const e = prepared.entry as PremiumCallEntry;
    const bands = `{${e.completionBands.join(',')}}`;
    const fingerprint = fingerprintDigest(
      e.promptMinhash,
      e.completionMinhash,
      e.promptBands,
      e.completionBands,
    );
    const once = (text: string, part: string) =>
      text.includes(part) && text.indexOf(part) === text.lastIndexOf(part);
    if (!once(head, bands) || !once(head, fingerprint) || !once(leaf, fingerprint))
      throw new Error('template bands not found once in its row');
    const otherBands = () => {
      const random = randomBytes(8 * e.completionBands.length);
      const keys = e.completionBands.map((_, k) => bandKey(random, 8 * k));
      const digest = fingerprintDigest(e.promptMinhash, e.completionMinhash, e.promptBands, keys);
      return { column: `{${keys.join(',')}}`, digest };
    };
    return { marker, head, leaf, bands, fingerprint, otherBands };
  });
  // the band index's daily partitions for every day of the history (else its rows pile up in DEFAULT)
  await db.query(`SELECT velvet_partitions_cover('audit_completion_bands', $1, $2)`, [
    new Date(from).toISOString(),
    new Date(until).toISOString(),
  ]);
  for (let done = 0; done < n;) {
    const size = Math.min(chunk, n - done);
    await db.query('BEGIN');
    try {
      const [state] = (
        await db.query(`SELECT size, frontier FROM audit_tree_state WHERE id = 1 FOR UPDATE`)
      ).rows as Array<{ size: string; frontier: Buffer[] }>;
      const range = new CompactRange(Number(state.size), state.frontier);
      let rows = '';
      let nodes = '';
      for (let k = 0; k < size; k++) {
        const i = done + k;
        const t = templates[i % templates.length];
        const ms = Math.floor(from + ((until - from) * i) / n);
        // a call id as the gateway makes them (time-ordered), for the call's own time
        const id = newCallId(ms);
        const at = new Date(ms).toISOString();
        const swap = (s: string) => s.replaceAll(t.marker, id).replaceAll(anchor, at);
        let head = swap(t.head);
        let leaf = swap(t.leaf);
        if (o.distinctBands) {
          const other = t.otherBands();
          // (the head ends with the leaf column: its digest changes there too)
          head = head.replace(t.bands, other.column).replace(t.fingerprint, other.digest);
          leaf = leaf.replace(t.fingerprint, other.digest);
        }
        const hash = auditLeafHash(leaf);
        const seq = range.size;
        for (const node of range.append(hash))
          nodes += `${node.level}\t${node.index}\t${copyBytea(node.hash)}\n`;
        rows += `${seq}\t${head}\t${copyBytea(hash)}\n`;
      }
      await copy(db, `audit_log (${LOG_COPY_COLUMNS.join(', ')})`, rows);
      await copy(db, 'audit_tree_node (level, idx, hash)', nodes);
      // as the writer does: the rows' bands into the provenance search's index, in their transaction
      await db.query(INDEX_BANDS_SQL, [Number(state.size), range.size]);
      await db.query(
        `UPDATE audit_tree_state SET size = $1, frontier = $2::bytea[], root = $3, updated_at = now() WHERE id = 1`,
        [range.size, range.hashes, range.root()],
      );
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
    done += size;
    o.progress?.(done);
  }
}

/** A random band key, in lshBands' range (a non-negative integer below 2^52), from 8 bytes at `at`. */
const bandKey = (random: Buffer, at: number): number =>
  (random.readUInt32BE(at) & 0xfffff) * 0x100000000 + random.readUInt32BE(at + 4);

async function copy(db: Client, target: string, lines: string): Promise<void> {
  await pipeline(Readable.from([lines]), db.query(copyFrom(`COPY ${target} FROM STDIN`)));
}

/**
 * Recomputes the tree from every leaf hash in the log and compares it with what the database
 * holds: the tree state (size, root), every stored node, and every signed tree head's root. The
 * database's own CHECK already refused any row whose columns disagree with its leaf.
 */
export async function checkTree(db: Client): Promise<string[]> {
  const problems: string[] = [];
  const [state] = (await db.query(`SELECT size, root FROM audit_tree_state`)).rows as Array<{
    size: string;
    root: Buffer;
  }>;
  const heads = new Map<number, Buffer[]>();
  for (const h of (await db.query(`SELECT tree_size, root_hash FROM audit_tree_head`))
    .rows as Array<{ tree_size: string; root_hash: Buffer }>)
    heads.set(Number(h.tree_size), [...(heads.get(Number(h.tree_size)) ?? []), h.root_hash]);
  const range = CompactRange.empty();
  const expected = new Map<string, Buffer>();
  const checkHeads = () => {
    for (const root of heads.get(range.size) ?? [])
      if (!root.equals(range.root())) problems.push(`signed head at ${range.size}: wrong root`);
  };
  checkHeads();
  const step = 50_000;
  for (let from = 0; from < Number(state.size); from += step) {
    const { rows } = await db.query(
      `SELECT seq, leaf_hash FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [from, from + step],
    );
    for (const r of rows as Array<{ seq: string; leaf_hash: Buffer }>) {
      if (Number(r.seq) !== range.size) problems.push(`seq ${range.size} missing`);
      for (const node of range.append(r.leaf_hash))
        expected.set(`${node.level}/${node.index}`, node.hash);
      checkHeads();
    }
    const stored = await db.query(
      // the nodes completed by this step's leaves: a node (level, idx) is complete with leaf (idx + 1) << level - 1
      `SELECT level, idx, hash FROM audit_tree_node WHERE idx >= ($1::bigint >> level) AND idx < ($2::bigint >> level)`,
      [from, from + step],
    );
    for (const r of stored.rows as Array<{ level: number; idx: string; hash: Buffer }>) {
      const key = `${r.level}/${r.idx}`;
      const want = expected.get(key);
      if (!want?.equals(r.hash))
        problems.push(`tree node ${key}: ${want ? 'wrong hash' : 'unexpected'}`);
      expected.delete(key);
    }
  }
  if (expected.size) problems.push(`${expected.size} tree nodes missing`);
  if (range.size !== Number(state.size))
    problems.push(`tree state size ${state.size} ≠ ${range.size}`);
  if (!range.root().equals(state.root)) problems.push('tree state root differs from the leaves');
  return problems;
}
