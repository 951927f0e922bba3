import type { Sha256 } from './merkle-verifier';

/**
 * What the Merkle tree commits to for a stored leaf. A v1 leaf (canonical JSON, which names the
 * organisation, key, client and tokens) was its own entry, so it could never be published. From v2
 * the entry is SHA-256 of the leaf: 32 bytes, served in tlog-tiles entry bundles, that reveal
 * nothing, while the leaf itself stays behind the portal's access rules. Dependency-free, so the
 * web portal uses it too.
 */
export function leafVersion(leaf: string): number {
  try {
    const v = (JSON.parse(leaf) as { v?: unknown }).v;
    return typeof v === 'number' ? v : 1;
  } catch {
    return 1;
  }
}

export function entryOfLeaf<H extends Uint8Array>(leaf: string, sha256: Sha256<H>): Uint8Array {
  const bytes = new TextEncoder().encode(leaf);
  return leafVersion(leaf) >= 2 ? sha256(bytes) : bytes;
}
