import { createHash } from 'node:crypto';
import { canonicalJson } from '../merkle/canonical-json';
import { toInt32 } from '../fingerprint/minhash';
import type { AuditEntry } from '../producer/audit-entry';

/**
 * v2: the Merkle entry is SHA-256 of the leaf (see merkle/leaf-entry.ts), so tlog-tiles entry
 * bundles can be public; the fingerprint digest covers the stored int4 MinHash values and the
 * LSH band keys (fingerprintDigest), so the database can check every fingerprint column against the leaf.
 */
export const LEAF_VERSION = 2;

/** PostgreSQL's binary form of a one-dimensional array without NULLs (array_send), lower bound 1. */
function pgArraySend(values: readonly number[], elementOid: number, width: 4 | 8): Buffer {
  if (values.length === 0) return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, elementOid]);
  const out = Buffer.alloc(20 + values.length * (4 + width));
  out.writeInt32BE(1, 0);
  out.writeInt32BE(0, 4);
  out.writeInt32BE(elementOid, 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16);
  let at = 20;
  for (const v of values) {
    out.writeInt32BE(width, at);
    if (width === 4) out.writeInt32BE(v | 0, at + 4);
    else out.writeBigInt64BE(BigInt(v), at + 4);
    at += 4 + width;
  }
  return out;
}

const INT4 = 23;
const INT8 = 20;

/**
 * Digest of the fingerprint columns exactly as stored (int4[] MinHash, bigint[] bands): SHA-256 of
 * their PostgreSQL binary forms, which the database's CHECK recomputes with array_send — four times
 * cheaper there than printing the arrays as text (measured: ~25 µs a row for the text form).
 */
export function fingerprintDigest(promptMinhash: number[], completionMinhash: number[], promptBands: number[], completionBands: number[]): string {
  return createHash('sha256')
    .update(pgArraySend(toInt32(promptMinhash), INT4, 4))
    .update(pgArraySend(toInt32(completionMinhash), INT4, 4))
    .update(pgArraySend(promptBands, INT8, 8))
    .update(pgArraySend(completionBands, INT8, 8))
    .digest('hex');
}

/**
 * The leaf of an entry: canonical JSON of what the entry asserts. Texts are never in it (they
 * may be purged); their SHA-256 is. Fingerprints enter through one digest to keep leaves short.
 * Every column the portal shows, searches or feeds detection is checked against it by the database
 * (migration 1764040400000-audit-integrity).
 */
export function leafOf(entry: AuditEntry): string {
  if (entry.kind === 'admin_action') {
    const { enqueuedAt: _enqueued, ...rest } = entry;
    return canonicalJson({ v: LEAF_VERSION, ...rest });
  }
  const {
    enqueuedAt: _enqueued,
    promptText: _prompt,
    completionText: _completion,
    promptMinhash,
    completionMinhash,
    promptBands,
    completionBands,
    ...rest
  } = entry;
  return canonicalJson({
    v: LEAF_VERSION,
    ...rest,
    fingerprintSha256: fingerprintDigest(promptMinhash, completionMinhash, promptBands, completionBands),
  });
}

/** The 32 bytes the tree commits to for a v2 leaf: public, since they reveal nothing of the leaf. */
export const merkleEntryOf = (leaf: string): Buffer => createHash('sha256').update(leaf).digest();
