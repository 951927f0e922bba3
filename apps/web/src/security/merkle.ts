import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * RFC 6962 / RFC 9162 proof verification, run in the browser so a reviewer need not trust the
 * server's word: the same algorithm as libs/audit/src/merkle/merkle.ts, over Uint8Arrays.
 */
export type Hash = Uint8Array;

export const EMPTY_ROOT: Hash = sha256(new Uint8Array());
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
export const leafHash = (leaf: Uint8Array): Hash => sha256(concat(Uint8Array.of(0), leaf));
export const nodeHash = (l: Hash, r: Hash): Hash => sha256(concat(Uint8Array.of(1), l, r));

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

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const isHash = (h: Uint8Array) => h.length === 32;
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;
const isPowerOfTwo = (n: number) => {
  let k = 1;
  while (k < n) k *= 2;
  return n > 0 && k === n;
};

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false;
  if (![leaf, root, ...proof].every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(r, root);
}

export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (![firstRoot, secondRoot, ...proof].every(isHash)) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0 && equal(firstRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

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
export interface SignedTreeHead {
  treeSize: number;
  timestampMs: number;
  rootHash: string;
  signature: string;
  publicKey: string;
  keyId: string;
}

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
