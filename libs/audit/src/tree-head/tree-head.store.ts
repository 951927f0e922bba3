import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type SignedTreeHead, TreeHeadSigner } from './tree-head';

export const AUDIT_SIGNER = Symbol('AUDIT_SIGNER');

interface TreeHeadRow {
  tree_size: string;
  timestamp_ms: string;
  root_hash: Buffer;
  signature: Buffer;
  public_key: Buffer;
  key_id: string;
}

export const treeHeadOf = (r: TreeHeadRow): SignedTreeHead => ({
  treeSize: Number(r.tree_size),
  timestampMs: Number(r.timestamp_ms),
  rootHash: r.root_hash.toString('hex'),
  signature: r.signature.toString('base64'),
  publicKey: r.public_key.toString('base64'),
  keyId: r.key_id,
});

/** Signed tree heads: published by the worker at intervals, read by the portal API. */
@Injectable()
export class TreeHeadStore {
  private readonly logger = new Logger(TreeHeadStore.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_SIGNER) private readonly signer?: TreeHeadSigner,
  ) {}

  async latest(): Promise<SignedTreeHead | null> {
    const [row] = await this.dataSource.query(`SELECT * FROM audit_tree_head ORDER BY tree_size DESC, id DESC LIMIT 1`);
    return row ? treeHeadOf(row) : null;
  }

  /** The newest head of exactly this size, if one was published. */
  async ofSize(size: number): Promise<SignedTreeHead | null> {
    const [row] = await this.dataSource.query(`SELECT * FROM audit_tree_head WHERE tree_size = $1 ORDER BY id DESC LIMIT 1`, [size]);
    return row ? treeHeadOf(row) : null;
  }

  async list(limit: number, beforeSize?: number): Promise<SignedTreeHead[]> {
    const rows = await this.dataSource.query(
      `SELECT * FROM audit_tree_head WHERE ($2::bigint IS NULL OR tree_size < $2) ORDER BY tree_size DESC, id DESC LIMIT $1`,
      [limit, beforeSize ?? null],
    );
    return rows.map(treeHeadOf);
  }

  /** Signs the current tree when it grew since the last head (or there is none). Returns the new head. */
  async publish(): Promise<SignedTreeHead | null> {
    if (!this.signer) throw new Error('no audit signing key: only the audit worker publishes tree heads');
    const signer = this.signer;
    return this.dataSource.transaction(async (tx) => {
      // Serialise publishers (several workers) without blocking the writer's row lock.
      await tx.query(`SELECT pg_advisory_xact_lock(7350001)`);
      const [state] = await tx.query(`SELECT size, root FROM audit_tree_state WHERE id = 1`);
      const [last] = await tx.query(`SELECT tree_size FROM audit_tree_head ORDER BY tree_size DESC, id DESC LIMIT 1`);
      const size = Number(state.size);
      if (last && Number(last.tree_size) >= size) return null;
      const head = signer.sign(size, Date.now(), state.root);
      await tx.query(
        `INSERT INTO audit_tree_head (tree_size, root_hash, timestamp_ms, signature, public_key, key_id) VALUES ($1, $2, $3, $4, $5, $6)`,
        [head.treeSize, state.root, head.timestampMs, Buffer.from(head.signature, 'base64'), signer.publicKey, head.keyId],
      );
      this.logger.log(`published tree head ${size}`);
      return head;
    });
  }
}
