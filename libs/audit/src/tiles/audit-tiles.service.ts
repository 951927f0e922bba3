import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { leafVersion } from '../merkle/leaf-entry';
import { merkleEntryOf } from '../writer/audit-leaf';
import { TILE_HEIGHT, TILE_WIDTH, type TilePath } from './tile-path';
import { TreeHeadStore } from '../tree-head/tree-head.store';

export type TileResult =
  { kind: 'tile'; body: Buffer; full: boolean } | { kind: 'missing'; reason: string };

/**
 * Serves the tree as tlog-tiles from the stored perfect subtrees (a tile at level L holds the
 * hashes of tree level 8L) and entry bundles of v2 Merkle entries (SHA-256 of each leaf: they
 * reveal nothing of the call, so they are public; the leaves stay behind the portal's access
 * rules). Only what the latest signed checkpoint covers is served. v1 leaves (before the public
 * entries) were their own Merkle entries and named customers: their bundles are not served.
 */
@Injectable()
export class AuditTilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly heads: TreeHeadStore,
  ) {}

  async tile(path: TilePath): Promise<TileResult> {
    const signed = (await this.heads.latest())?.treeSize ?? 0;
    // Hashes at the tile's level within the signed tree, then the ones this tile asks for.
    const levelWidth = Math.floor(signed / TILE_WIDTH ** (path.level ?? 0));
    const start = path.index * TILE_WIDTH;
    if (start + path.width > levelWidth)
      return { kind: 'missing', reason: 'not covered by the latest checkpoint' };
    return path.level === null
      ? this.entries(start, path.width)
      : this.hashes(path.level * TILE_HEIGHT, start, path.width);
  }

  private async hashes(treeLevel: number, start: number, width: number): Promise<TileResult> {
    const rows: Array<{ hash: Buffer }> = await this.dataSource.query(
      `SELECT hash FROM audit_tree_node WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx`,
      [treeLevel, start, start + width],
    );
    if (rows.length !== width) return { kind: 'missing', reason: 'tree nodes missing' };
    return {
      kind: 'tile',
      body: Buffer.concat(rows.map((r) => r.hash)),
      full: width === TILE_WIDTH,
    };
  }

  private async entries(start: number, width: number): Promise<TileResult> {
    const rows: Array<{ leaf: string }> = await this.dataSource.query(
      `SELECT leaf FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [start, start + width],
    );
    if (rows.length !== width) return { kind: 'missing', reason: 'log rows missing' };
    if (rows.some((r) => leafVersion(r.leaf) < 2))
      return { kind: 'missing', reason: 'v1 leaves are not published' };
    const body = Buffer.alloc(width * 34);
    rows.forEach((r, i) => {
      body.writeUInt16BE(32, i * 34);
      merkleEntryOf(r.leaf).copy(body, i * 34 + 2);
    });
    return { kind: 'tile', body, full: width === TILE_WIDTH };
  }
}
