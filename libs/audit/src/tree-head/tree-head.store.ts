import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { SignedTreeHead } from './tree-head';

export const AUDIT_SIGNER = Symbol('AUDIT_SIGNER');

interface TreeHeadRow {
  tree_size: string;
  timestamp_ms: string;
  root_hash: Buffer;
  signature: Buffer;
  public_key: Buffer;
  key_id: string;
  origin: string | null;
  checkpoint: string | null;
}

export const treeHeadOf = (r: TreeHeadRow): SignedTreeHead => ({
  treeSize: Number(r.tree_size),
  timestampMs: Number(r.timestamp_ms),
  rootHash: r.root_hash.toString('hex'),
  signature: r.signature.toString('base64'),
  publicKey: r.public_key.toString('base64'),
  keyId: r.key_id,
  ...(r.origin ? { origin: r.origin } : {}),
  ...(r.checkpoint ? { checkpoint: r.checkpoint } : {}),
});

/** Signed tree heads and their witness cosignatures: written by the audit worker, read by the portal API. */
@Injectable()
export class TreeHeadStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async latest(): Promise<SignedTreeHead | null> {
    const [row] = await this.dataSource.query(
      `SELECT * FROM audit_tree_head ORDER BY tree_size DESC, id DESC LIMIT 1`,
    );
    return row ? treeHeadOf(row) : null;
  }

  /** The newest head of exactly this size, if one was published. */
  async ofSize(size: number): Promise<SignedTreeHead | null> {
    const [row] = await this.dataSource.query(
      `SELECT * FROM audit_tree_head WHERE tree_size = $1 ORDER BY id DESC LIMIT 1`,
      [size],
    );
    return row ? treeHeadOf(row) : null;
  }

  async list(limit: number, beforeSize?: number): Promise<SignedTreeHead[]> {
    const rows = await this.dataSource.query(
      `SELECT * FROM audit_tree_head WHERE ($2::bigint IS NULL OR tree_size < $2) ORDER BY tree_size DESC, id DESC LIMIT $1`,
      [limit, beforeSize ?? null],
    );
    return rows.map(treeHeadOf);
  }

  /** The newest checkpoint note (tlog-tiles /checkpoint), with every witness cosignature collected for it. */
  async latestCheckpoint(): Promise<string | null> {
    const [row] = await this.dataSource.query(
      `SELECT tree_size, root_hash, checkpoint FROM audit_tree_head WHERE checkpoint IS NOT NULL ORDER BY tree_size DESC, id DESC LIMIT 1`,
    );
    return row ? this.withCosignatures(row.checkpoint, Number(row.tree_size), row.root_hash) : null;
  }

  /** The head's checkpoint note followed by the witness cosignature lines stored for it. */
  async cosignedCheckpoint(head: SignedTreeHead): Promise<string | null> {
    return head.checkpoint
      ? this.withCosignatures(head.checkpoint, head.treeSize, Buffer.from(head.rootHash, 'hex'))
      : null;
  }

  private async withCosignatures(checkpoint: string, size: number, root: Buffer): Promise<string> {
    const lines: Array<{ signature_line: string }> = await this.dataSource.query(
      `SELECT signature_line FROM audit_cosignature WHERE tree_size = $1 AND root_hash = $2 ORDER BY witness`,
      [size, root],
    );
    return checkpoint + lines.map((l) => l.signature_line).join('');
  }

  async insert(tx: EntityManager, head: SignedTreeHead): Promise<void> {
    await tx.query(
      `INSERT INTO audit_tree_head (tree_size, root_hash, timestamp_ms, signature, public_key, key_id, origin, checkpoint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        head.treeSize,
        Buffer.from(head.rootHash, 'hex'),
        head.timestampMs,
        Buffer.from(head.signature, 'base64'),
        Buffer.from(head.publicKey, 'base64'),
        head.keyId,
        head.origin ?? null,
        head.checkpoint ?? null,
      ],
    );
  }

  async addCosignature(
    head: SignedTreeHead,
    witness: string,
    signatureLine: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_cosignature (tree_size, root_hash, witness, signature_line) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tree_size, root_hash, witness) DO NOTHING`,
      [head.treeSize, Buffer.from(head.rootHash, 'hex'), witness, signatureLine],
    );
  }
}
