import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { parseCheckpoint } from '../checkpoint/checkpoint';
import { noteSignedBy, openNote, parseVkey } from '../checkpoint/signed-note';
import { schemaProblems } from '../integrity/schema-guard';
import { consistencyRanges, verifyConsistency } from '../merkle/merkle';
import { rangeHashes } from '../proofs/tree-nodes';
import { WitnessClient } from '../witness/witness.client';
import type { SignedTreeHead, TreeHeadSigner } from './tree-head';
import { AUDIT_SIGNER, TreeHeadStore } from './tree-head.store';
import type { TrustedHead, TrustedHeadKeeper } from './trusted-head';

export const TRUSTED_HEAD_KEEPER = Symbol('TRUSTED_HEAD_KEEPER');

/** The signer refused: the database no longer extends the last head it signed. */
export class AuditIntegrityError extends Error {}

/**
 * Signs the current tree (worker only) — but first checks that it extends the last head this
 * signer signed, as remembered outside the database (in memory and in Redis, verified with the
 * log's own key): the stored tree must reproduce the old root through an RFC 6962 consistency
 * proof, the state row's root must match the stored nodes, and the leaf CHECK, its function and
 * the append-only triggers must be as the migrations left them. Otherwise it signs nothing,
 * logs an error and raises the integrity alarm (reviewers see it in the portal). Then it asks
 * the configured witnesses to cosign the new checkpoint.
 */
@Injectable()
export class TreeHeadPublisher {
  private readonly logger = new Logger(TreeHeadPublisher.name);
  private remembered: TrustedHead | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly heads: TreeHeadStore,
    @Inject(AUDIT_SIGNER) private readonly signer: TreeHeadSigner,
    @Inject(TRUSTED_HEAD_KEEPER) private readonly keeper: TrustedHeadKeeper,
    @Optional() private readonly witnesses?: WitnessClient,
  ) {}

  /** Signs the current tree when it grew since the last signed head. Returns the new head. */
  async publish(): Promise<SignedTreeHead | null> {
    const head = await this.dataSource.transaction(async (tx) => {
      // Serialise publishers (several workers) without blocking the writer's row lock.
      await tx.query(`SELECT pg_advisory_xact_lock(7350001)`);
      const [state] = await tx.query(`SELECT size, root FROM audit_tree_state WHERE id = 1`);
      const size = Number(state.size);
      const root = state.root as Buffer;
      const { trusted, problems } = await this.trustedHead(tx);
      // Checked even when the log did not grow: a dropped CHECK or disabled trigger raises the alarm at once.
      problems.push(...(await schemaProblems(tx)).map((p) => `schema: ${p}`));
      if (
        !problems.length &&
        trusted &&
        trusted.treeSize === size &&
        trusted.rootHash === root.toString('hex')
      )
        return null;
      problems.push(...(await this.treeProblems(tx, trusted, size, root)));
      if (problems.length) await this.refuse(problems, trusted, size);
      const signed = await this.signer.sign(size, Date.now(), root);
      await this.heads.insert(tx, signed);
      // Saved while the publish lock is held, so another worker process never starts from an older head.
      const latest = {
        treeSize: signed.treeSize,
        rootHash: signed.rootHash,
        checkpoint: signed.checkpoint!,
      };
      this.remembered = latest;
      await this.keeper.save(latest);
      return signed;
    });
    if (!head) return null;
    this.logger.log(`published tree head ${head.treeSize}`);
    await this.witnesses?.cosign(head);
    return head;
  }

  /** The larger of the remembered and the Redis head, each verified with the log's key. */
  private async trustedHead(
    tx: EntityManager,
  ): Promise<{ trusted: TrustedHead | null; problems: string[] }> {
    const problems: string[] = [];
    const stored = await this.keeper.load();
    if (stored && !this.signedByUs(stored)) {
      problems.push(
        `the last signed head kept in Redis (size ${stored.treeSize}) is not signed by this log's key`,
      );
    }
    const candidates = [this.remembered, stored].filter(
      (h): h is TrustedHead => !!h && this.signedByUs(h),
    );
    const [a, b] = candidates;
    if (a && b && a.treeSize === b.treeSize && a.rootHash !== b.rootHash)
      problems.push(`two signed heads of size ${a.treeSize} with different roots`);
    const trusted = candidates.sort((x, y) => y.treeSize - x.treeSize)[0] ?? null;
    if (trusted || problems.length) return { trusted, problems };
    // First start with an empty Redis: nothing outside the database to compare with yet.
    const [row] = await tx.query(
      `SELECT tree_size, root_hash, checkpoint FROM audit_tree_head WHERE checkpoint IS NOT NULL ORDER BY tree_size DESC, id DESC LIMIT 1`,
    );
    const fromDb = row
      ? {
          treeSize: Number(row.tree_size),
          rootHash: (row.root_hash as Buffer).toString('hex'),
          checkpoint: row.checkpoint as string,
        }
      : null;
    if (fromDb && this.signedByUs(fromDb)) {
      this.logger.warn(
        `no signed head outside the database: starting from the database's head ${fromDb.treeSize}`,
      );
      return { trusted: fromDb, problems };
    }
    return { trusted: null, problems };
  }

  private signedByUs(head: TrustedHead): boolean {
    try {
      const { body, signatures } = openNote(head.checkpoint);
      const checkpoint = parseCheckpoint(body);
      return (
        noteSignedBy(body, signatures, parseVkey(this.signer.vkey)) &&
        checkpoint.size === head.treeSize &&
        checkpoint.root.toString('hex') === head.rootHash
      );
    } catch {
      return false;
    }
  }

  private async treeProblems(
    tx: EntityManager,
    trusted: TrustedHead | null,
    size: number,
    root: Buffer,
  ): Promise<string[]> {
    const problems: string[] = [];
    if (trusted && size < trusted.treeSize)
      return [...problems, `the tree shrank from ${trusted.treeSize} to ${size} leaves`];
    if (size === 0) return problems;
    try {
      const first = trusted?.treeSize ?? 0;
      const [fromNodes, ...proof] = await rangeHashes(tx, [
        [0, size],
        ...(first > 0 ? consistencyRanges(first, size) : []),
      ]);
      if (!fromNodes.equals(root))
        problems.push(`the tree state's root is not the root of the stored tree nodes`);
      else if (
        trusted &&
        first > 0 &&
        !verifyConsistency(first, size, Buffer.from(trusted.rootHash, 'hex'), root, proof)
      ) {
        problems.push(
          `the tree of ${size} leaves is not consistent with the last signed head (${first} leaves): history was rewritten`,
        );
      }
    } catch (error) {
      problems.push(`the stored tree cannot prove consistency: ${(error as Error).message}`);
    }
    return problems;
  }

  private async refuse(
    problems: string[],
    trusted: TrustedHead | null,
    size: number,
  ): Promise<never> {
    const reason = problems.join('; ');
    this.logger.error(
      {
        event: 'audit_integrity_alarm',
        problems,
        trustedSize: trusted?.treeSize ?? null,
        databaseSize: size,
      },
      `refusing to sign the audit tree: ${reason}`,
    );
    await this.keeper.raiseAlarm({
      detectedAt: new Date().toISOString(),
      reason,
      trustedSize: trusted?.treeSize ?? null,
      databaseSize: size,
    });
    throw new AuditIntegrityError(`refusing to sign the audit tree: ${reason}`);
  }
}
