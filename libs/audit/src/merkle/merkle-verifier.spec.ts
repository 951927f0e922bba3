import { createHash } from 'node:crypto';
import { merkleVerifier } from './merkle-verifier';
import { consistencyRanges, inclusionRanges, leafHash, rootOf } from './merkle';

// The web portal runs merkle-verifier over plain Uint8Arrays (not Buffers) with another SHA-256;
// it must accept exactly the proofs this library builds.
const plain = merkleVerifier((...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
});
const u8 = (b: Buffer) => new Uint8Array(b);

describe('merkleVerifier over plain Uint8Arrays', () => {
  const leaves = Array.from({ length: 20 }, (_, i) => leafHash(`leaf ${i}`));
  const roots = Array.from({ length: 21 }, (_, n) => u8(rootOf(leaves.slice(0, n))));
  const proofOf = (ranges: ReadonlyArray<readonly [number, number]>) =>
    ranges.map(([s, e]) => u8(rootOf(leaves.slice(s, e))));

  it('hashes leaves as libs/audit does', () => {
    expect(Buffer.from(plain.leafHash(new TextEncoder().encode('leaf 7')))).toEqual(leaves[7]);
  });

  it('accepts every inclusion proof and refuses another leaf', () => {
    for (let n = 2; n <= 20; n++)
      for (let i = 0; i < n; i++) {
        const proof = proofOf(inclusionRanges(i, n));
        expect(plain.verifyInclusion(i, n, u8(leaves[i]), proof, roots[n])).toBe(true);
        expect(plain.verifyInclusion(i, n, u8(leaves[(i + 1) % n]), proof, roots[n])).toBe(false);
      }
  });

  it('accepts every consistency proof and refuses a wrong first root', () => {
    for (let n = 1; n <= 20; n++)
      for (let m = 1; m < n; m++) {
        const proof = proofOf(consistencyRanges(m, n));
        expect(plain.verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(true);
        expect(plain.verifyConsistency(m, n, roots[m - 1], roots[n], proof)).toBe(false);
      }
  });
});
