import { parseCheckpoint } from '../checkpoint/checkpoint';
import {
  formatVkey,
  isVkey,
  NOTE_ED25519,
  noteSignedBy,
  openNote,
  parseVkey,
} from '../checkpoint/signed-note';
import { CompactRange } from '../merkle/compact-range';
import { auditLeafHash, verifyConsistency, verifyInclusion } from '../merkle/merkle';
import { type SignedTreeHead, verifyTreeHead } from '../tree-head/tree-head';
import { checkPolicy, type TlogPolicy } from '../witness/policy';

/**
 * Offline check of an audit export (JSON lines): the tree head's Ed25519 signature and checkpoint,
 * every record's leaf hash and inclusion proof, strictly increasing sequence numbers, the record
 * count, a consistency proof from an older head if present; for a complete export (an unfiltered
 * one, complete by construction) that no seq is missing and that the leaves rebuild the signed
 * root; with a checkpoint the user saved earlier, that the export's tree extends it (through the
 * export's consistency proof, from the saved root — not from a root the server supplies); with a
 * tlog-policy, that the head carries a quorum of witness cosignatures. Imports only pure code.
 */
export interface VerifyResult {
  ok: boolean;
  treeSize: number;
  records: number;
  complete: boolean;
  problems: string[];
  warnings: string[];
}

export interface VerifyOptions {
  /** base64 raw Ed25519 key, or the log's note verifier key (`origin+id+key`, which pins the origin too). */
  publicKey?: string;
  /** A checkpoint note saved earlier (e.g. from /audit-log/checkpoint). */
  trustedCheckpoint?: string;
  policy?: TlogPolicy;
}

interface RecordLine {
  type: 'record';
  seq: number;
  leafHash: string;
  leaf: string;
  inclusionProof: string[];
}

const unhex = (s: string) => Buffer.from(s, 'hex');

/** "3, 7..9" for the missing sequence numbers in [start, end). */
export function gapsIn(seqs: number[], start: number, end: number): string[] {
  const present = new Set(seqs);
  const gaps: string[] = [];
  for (let i = start; i < end; i++) {
    if (present.has(i)) continue;
    let j = i;
    while (j + 1 < end && !present.has(j + 1)) j++;
    gaps.push(i === j ? `${i}` : `${i}..${j}`);
    i = j;
  }
  return gaps;
}

export function verifyExport(text: string, options: VerifyOptions = {}): VerifyResult {
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
  const head = headLine as unknown as SignedTreeHead & {
    complete: boolean;
    range?: { start: number; end: number };
  };
  const treeSize = Number(head.treeSize);
  const root = unhex(String(head.rootHash ?? ''));
  if (treeSize > 0 && !verifyTreeHead(head, options.publicKey))
    problems.push('tree head signature does not verify');
  if (!options.publicKey)
    warnings.push(
      'public key not pinned (--public-key): the signature was checked against the key in the file',
    );

  const records = parsed.filter((p) => p.type === 'record') as unknown as RecordLine[];
  const end = parsed[parsed.length - 1];
  if (!end || end.type !== 'end') problems.push('the export is truncated: no end line');
  else if (Number(end.records) !== records.length)
    problems.push(
      `the end line announces ${String(end.records)} records, the file has ${records.length}`,
    );

  let previous = -1;
  const range = CompactRange.empty();
  for (const r of records) {
    const where = `record seq ${r.seq}`;
    if (!Number.isSafeInteger(r.seq) || r.seq <= previous)
      problems.push(`${where}: out of order or repeated (after ${previous})`);
    previous = Math.max(previous, Number(r.seq));
    const hash = auditLeafHash(String(r.leaf));
    if (hash.toString('hex') !== r.leafHash)
      problems.push(`${where}: leaf does not match its leaf hash (altered)`);
    const proof = Array.isArray(r.inclusionProof)
      ? r.inclusionProof.map((p) => unhex(String(p)))
      : [];
    if (!verifyInclusion(r.seq, treeSize, hash, proof, root))
      problems.push(`${where}: inclusion proof does not verify against the tree head`);
    range.append(hash);
  }

  if (head.complete) {
    const gaps = gapsIn(
      records.map((r) => r.seq),
      0,
      treeSize,
    );
    if (gaps.length)
      problems.push(
        `complete export is missing seq ${gaps.slice(0, 20).join(', ')}${gaps.length > 20 ? ', …' : ''} (deleted from the log?)`,
      );
    else if (records.length !== treeSize)
      problems.push(
        `complete export must hold leaves 0..${treeSize - 1}; it holds ${records.length} records`,
      );
    else if (!range.root().equals(root)) problems.push('the leaves do not rebuild the signed root');
  } else if (!records.length || records[records.length - 1].seq < treeSize - 1) {
    warnings.push(
      'partial export (filtered or limited): records missing from it cannot be detected here',
    );
  }

  const consistencies = parsed.filter((p) => p.type === 'consistency');
  for (const c of consistencies) {
    const first = Number(c.first);
    const firstRoot = unhex(String(c.firstRootHash));
    const ok = verifyConsistency(
      first,
      Number(c.second),
      firstRoot,
      root,
      ((c.proof as string[]) ?? []).map(unhex),
    );
    if (Number(c.second) !== treeSize || !ok)
      problems.push(`consistency proof from size ${first} does not verify`);
    const older = c.firstTreeHead as SignedTreeHead | null;
    if (older) {
      if (!verifyTreeHead(older, options.publicKey))
        problems.push(`older tree head ${first} signature does not verify`);
      if (older.rootHash !== c.firstRootHash || Number(older.treeSize) !== first)
        problems.push(`older tree head ${first} does not match the proof`);
    }
  }

  if (options.trustedCheckpoint)
    problems.push(
      ...trustedProblems(options.trustedCheckpoint, head, consistencies, options.publicKey),
    );
  if (options.policy) {
    if (!head.checkpoint)
      problems.push('the tree head carries no checkpoint for the witness policy');
    else
      problems.push(
        ...checkPolicy(head.checkpoint, options.policy).problems.map((p) => `policy: ${p}`),
      );
  }
  return result(treeSize, records.length, !!head.complete);
}

/** The export's head must extend the checkpoint the user saved, proven from the saved root. */
function trustedProblems(
  note: string,
  head: SignedTreeHead,
  consistencies: Array<Record<string, unknown>>,
  pinned?: string,
): string[] {
  let trusted;
  try {
    const { body, signatures } = openNote(note);
    trusted = parseCheckpoint(body);
    const key =
      pinned && isVkey(pinned)
        ? parseVkey(pinned)
        : parseVkey(
            formatVkey(
              trusted.origin,
              NOTE_ED25519,
              Buffer.from(pinned ?? head.publicKey, 'base64'),
            ),
          );
    if (key.name !== trusted.origin || !noteSignedBy(body, signatures, key))
      return ['trusted checkpoint: not signed by the log key for its origin'];
    if (head.origin && head.origin !== trusted.origin)
      return [`trusted checkpoint is of another log (${trusted.origin}, export: ${head.origin})`];
  } catch (error) {
    return [`trusted checkpoint: ${(error as Error).message}`];
  }
  const size = Number(head.treeSize);
  const root = unhex(head.rootHash);
  if (trusted.size > size)
    return [
      `the export's tree (${size}) is older than your trusted checkpoint (${trusted.size}): the log was rolled back`,
    ];
  if (trusted.size === size)
    return trusted.root.equals(root)
      ? []
      : [
          `the export's root differs from your trusted checkpoint of the same size ${size}: history was rewritten`,
        ];
  const c = consistencies.find((x) => Number(x.first) === trusted.size);
  if (!c)
    return [
      `no consistency proof from your trusted checkpoint's size ${trusted.size}: export with sinceTreeSize=${trusted.size}`,
    ];
  const ok = verifyConsistency(
    trusted.size,
    size,
    trusted.root,
    root,
    ((c.proof as string[]) ?? []).map(unhex),
  );
  return ok
    ? []
    : [
        `the log is not consistent with your trusted checkpoint (${trusted.size}): history was rewritten`,
      ];
}
