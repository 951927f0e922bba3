import type { EntityManager } from 'typeorm';
import { perfectNodes, rangeHash, type Hash, type Range } from '../merkle/merkle';

/** Hashes of RFC 6962 subtree ranges, from the stored perfect nodes, in one query per call. */
export async function rangeHashes(
  db: Pick<EntityManager, 'query'>,
  ranges: readonly Range[],
): Promise<Hash[]> {
  const wanted = new Map<string, [number, number]>();
  for (const [start, end] of ranges)
    for (const [level, index] of perfectNodes(start, end))
      wanted.set(`${level}/${index}`, [level, index]);
  const keys = [...wanted.values()];
  const found = new Map<string, Hash>();
  for (let i = 0; i < keys.length; i += 5000) {
    const chunk = keys.slice(i, i + 5000);
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await db.query(
      `SELECT n.level, n.idx, n.hash FROM audit_tree_node n
       JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`,
      [chunk.map((k) => k[0]), chunk.map((k) => k[1])],
    );
    for (const r of rows) found.set(`${r.level}/${r.idx}`, r.hash);
  }
  const node = (level: number, index: number): Hash => {
    const hash = found.get(`${level}/${index}`);
    if (!hash) throw new Error(`audit tree node ${level}/${index} is missing`);
    return hash;
  };
  return ranges.map(([start, end]) => rangeHash(start, end, node));
}
