import { createHash } from 'node:crypto';
import { CompactRange } from './compact-range';
import {
  consistencyRanges,
  EMPTY_ROOT,
  inclusionRanges,
  leafHash,
  perfectNodes,
  rangeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle';

// RFC 6962 test vectors as published in Google's certificate-transparency and
// transparency-dev/merkle test suites (testonly/constants.go): the 8 leaf inputs, the root of
// every size 1..8, and their reference inclusion and consistency proofs (0-based leaf indices).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 2,
    second: 8,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
];

const hex = (h: Hash) => h.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');
const hashes = LEAVES.map((l) => leafHash(l));

/** Proofs computed the way the database does it: from stored perfect nodes only. */
function nodeStore(leaves: Hash[]) {
  const range = CompactRange.empty();
  const store = new Map<string, Hash>();
  for (const l of leaves)
    for (const n of range.append(l)) store.set(`${n.level}/${n.index}`, n.hash);
  const node = (level: number, index: number) => {
    const h = store.get(`${level}/${index}`);
    if (!h) throw new Error(`missing node ${level}/${index}`);
    return h;
  };
  return {
    range,
    node,
    proof: (ranges: ReturnType<typeof inclusionRanges>) =>
      ranges.map(([s, e]) => rangeHash(s, e, node)),
  };
}

describe('RFC 6962 Merkle tree', () => {
  it('matches the reference roots for every size, recursively and incrementally', () => {
    expect(hex(rootOf([]))).toBe(hex(EMPTY_ROOT));
    const range = CompactRange.empty();
    for (let n = 1; n <= 8; n++) {
      expect(hex(rootOf(hashes.slice(0, n)))).toBe(ROOTS[n - 1]);
      range.append(hashes[n - 1]);
      expect(hex(range.root())).toBe(ROOTS[n - 1]);
    }
  });

  it('produces and accepts the reference inclusion proofs', () => {
    const { proof } = nodeStore(hashes);
    for (const v of INCLUSION) {
      expect(proof(inclusionRanges(v.index, v.size)).map(hex)).toEqual(v.proof);
      expect(
        verifyInclusion(
          v.index,
          v.size,
          hashes[v.index],
          v.proof.map(unhex),
          unhex(ROOTS[v.size - 1]),
        ),
      ).toBe(true);
    }
  });

  it('produces and accepts the reference consistency proofs', () => {
    const { proof } = nodeStore(hashes);
    for (const v of CONSISTENCY) {
      expect(proof(consistencyRanges(v.first, v.second)).map(hex)).toEqual(v.proof);
      expect(
        verifyConsistency(
          v.first,
          v.second,
          unhex(ROOTS[v.first - 1]),
          unhex(ROOTS[v.second - 1]),
          v.proof.map(unhex),
        ),
      ).toBe(true);
    }
  });

  const many = Array.from({ length: 70 }, (_, i) =>
    leafHash(createHash('sha256').update(`leaf ${i}`).digest()),
  );
  const store = nodeStore(many);
  const roots = Array.from({ length: many.length + 1 }, (_, n) => rootOf(many.slice(0, n)));

  it('proves every leaf of every size up to 70 and rejects altered proofs', () => {
    for (let n = 1; n <= many.length; n++) {
      expect(hex(rangeHash(0, n, store.node))).toBe(hex(roots[n]));
      for (let i = 0; i < n; i++) {
        const proof = store.proof(inclusionRanges(i, n));
        expect(verifyInclusion(i, n, many[i], proof, roots[n])).toBe(true);
        if (n > 1) {
          expect(verifyInclusion(i, n, many[(i + 1) % n], proof, roots[n])).toBe(false);
          expect(verifyInclusion((i + 1) % n, n, many[i], proof, roots[n])).toBe(false);
          expect(verifyInclusion(i, n, many[i], proof.slice(0, -1), roots[n])).toBe(false);
          expect(verifyInclusion(i, n, many[i], [...proof, many[0]], roots[n])).toBe(false);
        }
      }
    }
  });

  it('proves consistency of every pair of sizes up to 70 and rejects wrong roots', () => {
    for (let n = 1; n <= many.length; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = store.proof(consistencyRanges(m, n));
        expect(verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, roots[m - 1], roots[n], proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n - 1], proof)).toBe(false);
          expect(verifyConsistency(m, n, roots[m], roots[n], proof.slice(1))).toBe(false);
        }
      }
    }
  });

  it('decomposes ranges into aligned perfect subtrees', () => {
    expect(perfectNodes(0, 8)).toEqual([[3, 0]]);
    expect(perfectNodes(4, 7)).toEqual([
      [1, 2],
      [0, 6],
    ]);
    expect(perfectNodes(0, 13)).toEqual([
      [3, 0],
      [2, 2],
      [0, 12],
    ]);
  });

  it('rejects proofs for out-of-range indices and malformed hashes', () => {
    expect(verifyInclusion(8, 8, hashes[0], [], unhex(ROOTS[7]))).toBe(false);
    expect(verifyInclusion(-1, 8, hashes[0], [], unhex(ROOTS[7]))).toBe(false);
    expect(verifyInclusion(0, 1, Buffer.alloc(31), [], unhex(ROOTS[0]))).toBe(false);
    expect(verifyConsistency(8, 6, unhex(ROOTS[7]), unhex(ROOTS[5]), [])).toBe(false);
    expect(() => inclusionRanges(8, 8)).toThrow(RangeError);
  });
});
