import { hash } from 'node:crypto';
import { canonicalJson } from '../merkle/canonical-json';
import type { AuditEntry } from '../producer/audit-entry';

/**
 * v3: a premium call's leaf carries `eventSha256`, the SHA-256 of the event JSON the gateway
 * appended, which the gateway's receipts sign (older leaves, and receipts naming leaf hashes, still verify).
 * v2: the Merkle entry is SHA-256 of the leaf (see merkle/leaf-entry.ts), so tlog-tiles entry
 * bundles can be public; the fingerprint digest covers the stored int4 MinHash values and the
 * LSH band keys (fingerprintDigest), so the database can check every fingerprint column against the leaf.
 */
export const LEAF_VERSION = 3;

const sendSize = (values: readonly number[], width: 4 | 8): number =>
  values.length === 0 ? 12 : 20 + values.length * (4 + width);

/**
 * PostgreSQL's binary form of a one-dimensional array without NULLs (array_send), lower bound 1,
 * written into `out` at `at`; returns the end. int8 values are safe integers, written as two
 * 32-bit halves (no BigInt per value: this runs for every band key of every record).
 */
function pgArraySend(
  out: Buffer,
  at: number,
  values: readonly number[],
  elementOid: number,
  width: 4 | 8,
): number {
  out.writeInt32BE(values.length === 0 ? 0 : 1, at);
  out.writeInt32BE(0, at + 4);
  out.writeInt32BE(elementOid, at + 8);
  if (values.length === 0) return at + 12;
  out.writeInt32BE(values.length, at + 12);
  out.writeInt32BE(1, at + 16);
  at += 20;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out.writeInt32BE(width, at);
    if (width === 4) out.writeInt32BE(v | 0, at + 4);
    else {
      if (!Number.isSafeInteger(v))
        throw new TypeError('an int8 array value must be a safe integer');
      const hi = Math.floor(v / 4294967296);
      out.writeInt32BE(hi, at + 4);
      out.writeUInt32BE(v - hi * 4294967296, at + 8);
    }
    at += 4 + width;
  }
  return at;
}

const INT4 = 23;
const INT8 = 20;

/**
 * Digest of the fingerprint columns exactly as stored (int4[] MinHash, bigint[] bands): SHA-256 of
 * their PostgreSQL binary forms, which the database's CHECK recomputes with array_send — four times
 * cheaper there than printing the arrays as text (measured: ~25 µs a row for the text form).
 */
export function fingerprintDigest(
  promptMinhash: number[],
  completionMinhash: number[],
  promptBands: number[],
  completionBands: number[],
): string {
  // One buffer, one hash update (v | 0 in pgArraySend is toInt32's conversion of the uint32 MinHash values).
  const out = Buffer.allocUnsafe(
    sendSize(promptMinhash, 4) +
      sendSize(completionMinhash, 4) +
      sendSize(promptBands, 8) +
      sendSize(completionBands, 8),
  );
  let at = pgArraySend(out, 0, promptMinhash, INT4, 4);
  at = pgArraySend(out, at, completionMinhash, INT4, 4);
  at = pgArraySend(out, at, promptBands, INT8, 8);
  pgArraySend(out, at, completionBands, INT8, 8);
  return hash('sha256', out, 'hex');
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
    fingerprintSha256: fingerprintDigest(
      promptMinhash,
      completionMinhash,
      promptBands,
      completionBands,
    ),
  });
}

/** The 32 bytes the tree commits to for a v2 leaf: public, since they reveal nothing of the leaf. */
export const merkleEntryOf = (leaf: string): Buffer => hash('sha256', leaf, 'buffer');
