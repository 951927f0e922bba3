/**
 * RFC 6962 / RFC 9162 leaf and node hashing and proof verification over plain Uint8Arrays, with
 * SHA-256 passed in. It imports nothing (no node:crypto, no Buffer, no DOM) so the same code runs
 * in libs/audit (node:crypto) and in the web portal's browser-side checks (@noble/hashes).
 * Indices are JS numbers (exact below 2^53); bit operations are arithmetic because JS bitwise
 * operators are 32-bit.
 */

/** SHA-256 over the concatenation of `parts`. */
export type Sha256<H extends Uint8Array> = (...parts: Uint8Array[]) => H;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;
const isPowerOfTwo = (n: number): boolean => {
  let k = 1;
  while (k < n) k *= 2;
  return n > 0 && k === n;
};
const isHash = (h: Uint8Array): boolean => h.length === 32;
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function merkleVerifier<H extends Uint8Array>(sha256: Sha256<H>) {
  const emptyRoot: H = sha256();
  const leafHash = (leaf: Uint8Array): H => sha256(LEAF_PREFIX, leaf);
  const nodeHash = (left: Uint8Array, right: Uint8Array): H => sha256(NODE_PREFIX, left, right);

  /** RFC 9162 2.1.3.2. */
  function verifyInclusion(
    index: number,
    size: number,
    leaf: Uint8Array,
    proof: readonly Uint8Array[],
    root: Uint8Array,
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

  /** RFC 9162 2.1.4.2, with the degenerate cases (empty first tree, equal sizes) made explicit. */
  function verifyConsistency(
    first: number,
    second: number,
    firstRoot: Uint8Array,
    secondRoot: Uint8Array,
    proof: readonly Uint8Array[],
  ): boolean {
    if (
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(second) ||
      first < 0 ||
      first > second
    )
      return false;
    if (![firstRoot, secondRoot, ...proof].every(isHash)) return false;
    if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
    if (first === 0) return proof.length === 0 && equal(firstRoot, emptyRoot);
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

  return { emptyRoot, leafHash, nodeHash, verifyInclusion, verifyConsistency };
}
