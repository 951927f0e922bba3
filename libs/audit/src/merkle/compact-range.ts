import { EMPTY_ROOT, type Hash, nodeHash } from './merkle';

/** A perfect subtree completed by an append: level 0 is the leaf itself. */
export interface NewNode {
  level: number;
  index: number;
  hash: Hash;
}

/**
 * The right edge of an append-only RFC 6962 tree: one hash per set bit of `size`, largest
 * subtree first. Appending emits every perfect subtree it completes, so the database holds
 * all nodes needed for any proof, and the root of any size can be recomputed.
 */
export class CompactRange {
  constructor(
    public size: number,
    private readonly frontier: Hash[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  get hashes(): readonly Hash[] {
    return this.frontier;
  }

  append(leaf: Hash): NewNode[] {
    const nodes: NewNode[] = [{ level: 0, index: this.size, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.size;
    // Each trailing one bit of the old size is a full left sibling to merge with.
    let bits = this.size;
    while (bits % 2 === 1) {
      const left = this.frontier.pop() as Hash;
      hash = nodeHash(left, hash);
      level += 1;
      index = Math.floor(index / 2);
      nodes.push({ level, index, hash });
      bits = Math.floor(bits / 2);
    }
    this.frontier.push(hash);
    this.size += 1;
    return nodes;
  }

  /** MTH of the whole tree: fold the right edge from the smallest subtree leftwards. */
  root(): Hash {
    if (this.frontier.length === 0) return EMPTY_ROOT;
    let hash = this.frontier[this.frontier.length - 1];
    for (let i = this.frontier.length - 2; i >= 0; i--) hash = nodeHash(this.frontier[i], hash);
    return hash;
  }
}
