import { hash } from 'node:crypto';
import { entryOfLeaf } from './leaf-entry';
import { merkleVerifier } from './merkle-verifier';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proofs. Pure and free of Nest or database code,
 * so the offline verifier uses exactly this file. Indices are JS numbers (exact below 2^53);
 * bit operations are done arithmetically because JS bitwise operators are 32-bit. The hashing and
 * proof verification live in ./merkle-verifier (shared with the web portal); this file binds them to
 * node:crypto and Buffers and adds the proof construction the server needs.
 */
export type Hash = Buffer;
export type Range = readonly [start: number, end: number];

// One-shot hashing (no Hash object per call: several per record, and one per tree node).
const sha256 = (...parts: Uint8Array[]): Hash =>
  hash('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer');
const rfc = merkleVerifier(sha256);

export const EMPTY_ROOT: Hash = rfc.emptyRoot;

export const leafHash = (leaf: Buffer | string): Hash =>
  rfc.leafHash(typeof leaf === 'string' ? Buffer.from(leaf) : leaf);

/** The RFC 6962 leaf hash of a stored audit leaf (of any version): what tiles and proofs use. */
export const auditLeafHash = (leaf: string): Hash =>
  leafHash(Buffer.from(entryOfLeaf(leaf, sha256)));

export const nodeHash: (left: Hash, right: Hash) => Hash = rfc.nodeHash;

/** The split point k of RFC 6962: the largest power of two smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && splitPoint(n * 2) === n;

/** MTH over leaf hashes, recursively, exactly as the RFC defines it (for tests and small trees). */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  if (leafHashes.length === 1) return leafHashes[0];
  const k = splitPoint(leafHashes.length);
  return nodeHash(rootOf(leafHashes.slice(0, k)), rootOf(leafHashes.slice(k)));
}

/** The subtree ranges whose hashes form PATH(index, D[0:size]), leaf end first. */
export function inclusionRanges(index: number, size: number, offset = 0): Range[] {
  if (index < 0 || index >= size)
    throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  if (size === 1) return [];
  const k = splitPoint(size);
  return index < k
    ? [...inclusionRanges(index, k, offset), [offset + k, offset + size]]
    : [...inclusionRanges(index - k, size - k, offset + k), [offset, offset + k]];
}

/** The subtree ranges whose hashes form PROOF(first, D[0:size]) (RFC 6962 2.1.2). */
export function consistencyRanges(first: number, size: number): Range[] {
  if (first < 0 || first > size)
    throw new RangeError(`cannot prove ${first} consistent with ${size}`);
  if (first === 0 || first === size) return [];
  const sub = (m: number, start: number, end: number, complete: boolean): Range[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [[start, end]];
    const k = splitPoint(n);
    return m <= k
      ? [...sub(m, start, start + k, complete), [start + k, end]]
      : [...sub(m - k, start + k, end, false), [start, start + k]];
  };
  return sub(first, 0, size, true);
}

/**
 * The perfect, aligned subtrees (level, index) whose hashes make up MTH(D[start:end]) for a
 * range that is a node of some RFC 6962 tree; left to right. Level 0 is a leaf hash.
 */
export function perfectNodes(start: number, end: number): Array<[level: number, index: number]> {
  const n = end - start;
  if (isPowerOfTwo(n)) {
    const level = Math.round(Math.log2(n));
    return [[level, start / n]];
  }
  const k = splitPoint(n);
  return [...perfectNodes(start, start + k), ...perfectNodes(start + k, end)];
}

/** MTH(D[start:end]) from the stored perfect nodes of the range. */
export function rangeHash(
  start: number,
  end: number,
  node: (level: number, index: number) => Hash,
): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n)) return node(Math.round(Math.log2(n)), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(start, start + k, node), rangeHash(start + k, end, node));
}

/** RFC 9162 2.1.3.2; only Buffers of 32 bytes are hashes. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  return (
    [leaf, root, ...proof].every(isBuffer) && rfc.verifyInclusion(index, size, leaf, proof, root)
  );
}

/** RFC 9162 2.1.4.2, with the degenerate cases (empty first tree, equal sizes) made explicit. */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  return (
    [firstRoot, secondRoot, ...proof].every(isBuffer) &&
    rfc.verifyConsistency(first, second, firstRoot, secondRoot, proof)
  );
}

const isBuffer = (h: unknown): h is Buffer => Buffer.isBuffer(h);
