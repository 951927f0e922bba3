import { sha256Hex } from '@velvet/common';
import { canonicalJson } from '../merkle/canonical-json';
import type { AuditEntry } from '../producer/audit-entry';

export const LEAF_VERSION = 1;

/**
 * The leaf of an entry: canonical JSON of what the entry asserts. Texts are never in it (they
 * may be purged); their SHA-256 is. Fingerprints enter through one digest to keep leaves short.
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
    promptBands: _pb,
    completionBands: _cb,
    ...rest
  } = entry;
  return canonicalJson({
    v: LEAF_VERSION,
    ...rest,
    fingerprintSha256: sha256Hex(canonicalJson({ completion: completionMinhash, prompt: promptMinhash, scheme: 'minhash-v1' })),
  });
}
