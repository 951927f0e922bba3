import { CompactRange } from '../merkle/compact-range';
import { leafHash, verifyConsistency, verifyInclusion } from '../merkle/merkle';
import { type SignedTreeHead, verifyTreeHead } from '../tree-head/tree-head';

/**
 * Offline check of an audit export (JSON lines): the tree head's Ed25519 signature, every
 * record's leaf hash and inclusion proof, strictly increasing sequence numbers, the record
 * count, a consistency proof from an older head if present, and — for a complete export —
 * that the leaves rebuild the signed root exactly (so a deleted, added or reordered record
 * cannot hide). Imports only pure code: no database, no Nest.
 */
export interface VerifyResult {
  ok: boolean;
  treeSize: number;
  records: number;
  complete: boolean;
  problems: string[];
  warnings: string[];
}

interface RecordLine {
  type: 'record';
  seq: number;
  leafHash: string;
  leaf: string;
  inclusionProof: string[];
}

const unhex = (s: string) => Buffer.from(s, 'hex');

export function verifyExport(text: string, options: { publicKey?: string } = {}): VerifyResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parsed: Array<Record<string, unknown>> = [];
  lines.forEach((line, i) => {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
    }
  });
  const result = (treeSize = 0, records = 0, complete = false): VerifyResult => ({
    ok: problems.length === 0,
    treeSize,
    records,
    complete,
    problems,
    warnings,
  });

  const headLine = parsed[0];
  if (!headLine || headLine.type !== 'tree_head') {
    problems.push('the first line must be the tree head');
    return result();
  }
  const head = headLine as unknown as SignedTreeHead & { complete: boolean };
  const treeSize = Number(head.treeSize);
  const root = unhex(String(head.rootHash ?? ''));
  if (treeSize > 0 && !verifyTreeHead(head, options.publicKey)) problems.push('tree head signature does not verify');
  if (!options.publicKey) warnings.push('public key not pinned (--public-key): the signature was checked against the key in the file');

  const records = parsed.filter((p) => p.type === 'record') as unknown as RecordLine[];
  const end = parsed[parsed.length - 1];
  if (!end || end.type !== 'end') problems.push('the export is truncated: no end line');
  else if (Number(end.records) !== records.length) problems.push(`the end line announces ${String(end.records)} records, the file has ${records.length}`);

  let previous = -1;
  const range = CompactRange.empty();
  for (const r of records) {
    const where = `record seq ${r.seq}`;
    if (!Number.isSafeInteger(r.seq) || r.seq <= previous) problems.push(`${where}: out of order or repeated (after ${previous})`);
    previous = Math.max(previous, Number(r.seq));
    const hash = leafHash(String(r.leaf));
    if (hash.toString('hex') !== r.leafHash) problems.push(`${where}: leaf does not match its leaf hash (altered)`);
    const proof = Array.isArray(r.inclusionProof) ? r.inclusionProof.map((p) => unhex(String(p))) : [];
    if (!verifyInclusion(r.seq, treeSize, hash, proof, root)) problems.push(`${where}: inclusion proof does not verify against the tree head`);
    range.append(hash);
  }

  if (head.complete) {
    if (records.length !== treeSize || records.some((r, i) => r.seq !== i)) {
      problems.push(`complete export must hold leaves 0..${treeSize - 1}; it holds ${records.length} records`);
    } else if (!range.root().equals(root)) {
      problems.push('the leaves do not rebuild the signed root');
    }
  }

  for (const c of parsed.filter((p) => p.type === 'consistency')) {
    const first = Number(c.first);
    const firstRoot = unhex(String(c.firstRootHash));
    const ok = verifyConsistency(first, Number(c.second), firstRoot, root, (c.proof as string[]).map(unhex));
    if (Number(c.second) !== treeSize || !ok) problems.push(`consistency proof from size ${first} does not verify`);
    const older = c.firstTreeHead as SignedTreeHead | null;
    if (older) {
      if (!verifyTreeHead(older, options.publicKey)) problems.push(`older tree head ${first} signature does not verify`);
      if (older.rootHash !== c.firstRootHash || Number(older.treeSize) !== first) problems.push(`older tree head ${first} does not match the proof`);
    }
  }
  return result(treeSize, records.length, !!head.complete);
}
