import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { entryOfLeaf, merkleVerifier } from '@velvet/audit/browser';
import type { View } from '../api/wire';

/**
 * Proof verification in the browser so a reviewer need not trust the server's word. The RFC 6962 /
 * RFC 9162 algorithms are libs/audit's own (merkle-verifier.ts, free of Node imports), run here
 * with @noble/hashes SHA-256 over Uint8Arrays.
 */
const sha = (...parts: Uint8Array[]) => {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
};
const rfc = merkleVerifier(sha);
export const { leafHash, verifyInclusion, verifyConsistency } = rfc;

/** The RFC 6962 leaf hash of a stored audit leaf: from v2 the tree commits to SHA-256 of the leaf. */
export const auditLeafHash = (leaf: string): Uint8Array => leafHash(entryOfLeaf(leaf, sha));

export const fromHex = (hex: string): Uint8Array => {
  const clean = hex.trim().toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(clean)) throw new Error('not hex');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
};
export const fromBase64 = (b64: string): Uint8Array =>
  Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
/** Hashes and keys may arrive as hex or base64; 32 bytes is 64 hex characters. */
export const decodeBytes = (s: string): Uint8Array =>
  /^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0 ? fromHex(s) : fromBase64(s);
export const toHex = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Ed25519 signature check: WebCrypto where the browser has it, else @noble/curves (audited, pure JS).
 * Returns which implementation answered, for the page to show.
 */
export async function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<{ ok: boolean; via: string }> {
  try {
    const key = await crypto.subtle.importKey(
      'raw',
      publicKey as BufferSource,
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return {
      ok: await crypto.subtle.verify(
        { name: 'Ed25519' },
        key,
        signature as BufferSource,
        message as BufferSource,
      ),
      via: 'WebCrypto',
    };
  } catch {
    try {
      return { ok: ed25519.verify(signature, message, publicKey), via: '@noble/curves' };
    } catch {
      return { ok: false, via: '@noble/curves' };
    }
  }
}

/** A signed tree head as the API sends it: hex root, base64 signature and raw Ed25519 public key. */
export type SignedTreeHead = View<'SignedTreeHeadView'>;

/** RFC 6962 §3.5 TreeHeadSignature bytes: v1=0, tree_hash=1, uint64 timestamp ms, uint64 size, root. */
export function treeHeadSignedData(
  treeSize: number,
  timestampMs: number,
  root: Uint8Array,
): Uint8Array {
  const data = new Uint8Array(50);
  const view = new DataView(data.buffer);
  data[0] = 0;
  data[1] = 1;
  view.setBigUint64(2, BigInt(timestampMs));
  view.setBigUint64(10, BigInt(treeSize));
  data.set(root, 18);
  return data;
}

export async function verifyTreeHead(
  head: SignedTreeHead,
  pinnedPublicKey?: string,
): Promise<{ ok: boolean; via: string; reason?: string }> {
  if (pinnedPublicKey && pinnedPublicKey.trim() !== head.publicKey)
    return { ok: false, via: '-', reason: 'signed by a different key than the pinned one' };
  const root = fromHex(head.rootHash);
  const key = fromBase64(head.publicKey);
  if (root.length !== 32 || key.length !== 32)
    return { ok: false, via: '-', reason: 'malformed root or key' };
  return verifyEd25519(
    key,
    treeHeadSignedData(head.treeSize, head.timestampMs, root),
    fromBase64(head.signature),
  );
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
