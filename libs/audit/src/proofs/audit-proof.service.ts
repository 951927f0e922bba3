import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainErrorKind } from '@velvet/common';
import type { DataSource } from 'typeorm';
import { consistencyRanges, inclusionRanges, type Range } from '../merkle/merkle';
import { AuditErrorCode, AuditException } from '../producer/audit.exception';
import { rangeHashes } from './tree-nodes';

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
}

export interface ConsistencyProof {
  first: number;
  second: number;
  firstRootHash: string;
  secondRootHash: string;
  proof: string[];
}

const hex = (b: Buffer) => b.toString('hex');

/** RFC 6962 proofs for any tree size up to the current one, from the stored perfect subtrees. */
@Injectable()
export class AuditProofService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async currentSize(): Promise<number> {
    const [state] = await this.dataSource.query(`SELECT size FROM audit_tree_state WHERE id = 1`);
    return Number(state.size);
  }

  private async assertSize(size: number): Promise<void> {
    const current = await this.currentSize();
    if (!Number.isSafeInteger(size) || size < 0 || size > current) {
      throw new AuditException(
        DomainErrorKind.Invalid,
        AuditErrorCode.UnknownTreeSize,
        `tree size must be between 0 and ${current}`,
        {
          currentSize: current,
        },
      );
    }
  }

  async root(size: number): Promise<string> {
    await this.assertSize(size);
    if (size === 0) return 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const [root] = await rangeHashes(this.dataSource, [[0, size]]);
    return hex(root);
  }

  async inclusion(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    await this.assertSize(treeSize);
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
      throw new AuditException(
        DomainErrorKind.Invalid,
        AuditErrorCode.UnknownTreeSize,
        `leaf ${leafIndex} is not in a tree of size ${treeSize}`,
      );
    }
    const [proofs] = await this.inclusionMany([leafIndex], treeSize);
    return proofs;
  }

  /** Proofs for many leaves of one tree, sharing one node lookup (exports). Sizes must be checked by the caller. */
  async inclusionMany(leafIndices: number[], treeSize: number): Promise<InclusionProof[]> {
    const paths = leafIndices.map((i) => inclusionRanges(i, treeSize));
    const all: Range[] = [
      [0, treeSize],
      ...leafIndices.map((i): Range => [i, i + 1]),
      ...paths.flat(),
    ];
    const hashes = await rangeHashes(this.dataSource, all);
    const root = hex(hashes[0]);
    let at = 1 + leafIndices.length;
    return leafIndices.map((leafIndex, i) => {
      const proof = hashes.slice(at, at + paths[i].length).map(hex);
      at += paths[i].length;
      return { leafIndex, treeSize, leafHash: hex(hashes[1 + i]), rootHash: root, proof };
    });
  }

  async consistency(first: number, second: number): Promise<ConsistencyProof> {
    await this.assertSize(second);
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new AuditException(
        DomainErrorKind.Invalid,
        AuditErrorCode.UnknownTreeSize,
        'first must be between 0 and second',
      );
    }
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    if (second === 0)
      return { first, second, firstRootHash: empty, secondRootHash: empty, proof: [] };
    const ranges = consistencyRanges(first, second);
    const hashes = await rangeHashes(this.dataSource, [
      [0, Math.max(first, 1)],
      [0, Math.max(second, 1)],
      ...ranges,
    ]);
    return {
      first,
      second,
      firstRootHash: first === 0 ? empty : hex(hashes[0]),
      secondRootHash: second === 0 ? empty : hex(hashes[1]),
      proof: hashes.slice(2).map(hex),
    };
  }
}
