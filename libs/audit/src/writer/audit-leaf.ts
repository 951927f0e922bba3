import { createHash } from 'node:crypto';
import { sha256Hex } from '@velvet/common';
import { canonicalJson } from '../merkle/canonical-json';
import { toInt32 } from '../fingerprint/minhash';
import type { AuditEntry } from '../producer/audit-entry';

/**
 * v2: the Merkle entry is SHA-256 of the leaf (see merkle/leaf-entry.ts), so tlog-tiles entry
 * bundles can be public; the fingerprint digest covers the stored int4 MinHash values and the
 * LSH band keys, so the database can check every fingerprint column against the leaf.
 */
export const LEAF_VERSION = 2;

/** Digest of the fingerprint columns exactly as stored (int4 MinHash, bigint bands), for the leaf. */
export function fingerprintDigest(promptMinhash: number[], completionMinhash: number[], promptBands: number[], completionBands: number[]): string {
  return sha256Hex(
    canonicalJson({
      completionBands,
      completionMinhash: toInt32(completionMinhash),
      promptBands,
      promptMinhash: toInt32(promptMinhash),
      scheme: 'minhash-v1',
    }),
  );
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
