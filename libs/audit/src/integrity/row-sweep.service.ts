import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TRUSTED_HEAD_KEEPER } from '../tree-head/tree-head.publisher';
import type { TrustedHeadKeeper } from '../tree-head/trusted-head';
import { NO_JIT } from '../writer/audit-log.writer';
import { AUDIT_CHECKED_COLUMNS, AUDIT_LEAF_FUNCTION } from './leaf-check.sql';

const CHUNK = 10_000;
/** How often a pass waiting for the writer asks again whether it is still behind. */
const DEFER_STEP_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SweepPacing {
  /**
   * The pass waits between chunks so that it ends no sooner than this after it began (0: flat
   * out); a log too large to check in that time is checked as fast as it goes.
   */
  spreadOverMs?: number;
  /**
   * Asked between chunks and while waiting; a stopped pass ends early with what it found (a worker
   * shutting down does not wait out a paced pass).
   */
  stopped?: () => boolean;
  /**
   * Whether the log's writer has a backlog (calls waiting to be written): the pass does not start
   * its next chunk until it has none, asking every 250 ms, for at most `spreadOverMs` in all, and
   * its pace shifts by what it waited. A burst of calls gets the cores; the pass still ends within
   * twice its spread (the scheduled pass: within its interval), however long the backlog lasts.
   */
  writerBehind?: () => boolean;
}

/**
 * Re-checks every stored row against its leaf with the database's own check function (scheduled,
 * hourly by default). The CHECK guards writes and the signer guards the schema, but a superuser can
 * replace the function for a moment, rewrite columns, and put it back: no catalog trace, and search
 * and detection would read the doctored columns. This pass finds such rows and raises the alarm.
 * It also compares each row's completion bands with the provenance search's band index and logs
 * the calls the index misses or misstates (no tree alarm: the index is not part of the log).
 * Cost: ~25–50 µs of PostgreSQL CPU per row (measured, see docs/audit.md), in chunks: a pass over
 * a 10 M-row log is ~5 minutes of a core, which run flat out beside the writer took a third of the
 * log's capacity on two cores. So the scheduled pass is paced over part of its interval (every
 * row is still re-checked once per interval) and costs a steady fraction of a core instead, and it
 * waits while the writer has a backlog: at 10 M rows the paced pass beside a drain still cost
 * ~110 µs of PostgreSQL CPU per record written, a fifth of the log's capacity (docs/audit.md).
 */
@Injectable()
export class AuditRowSweep {
  private readonly logger = new Logger(AuditRowSweep.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TRUSTED_HEAD_KEEPER) private readonly keeper: TrustedHeadKeeper,
  ) {}

  /**
   * Sequence numbers of rows whose columns disagree with their leaf (empty when all agree), paced
   * as `pacing` says (flat out by default).
   */
  async sweep(pacing: SweepPacing = {}): Promise<number[]> {
    const { spreadOverMs = 0, stopped = () => false, writerBehind = () => false } = pacing;
    const [{ size }] = await this.dataSource.query(
      `SELECT size FROM audit_tree_state WHERE id = 1`,
    );
    const bad: number[] = [];
    const unindexed: number[] = [];
    const began = Date.now();
    let deferred = 0;
    for (let from = 0; from < Number(size) && !stopped(); from += CHUNK) {
      while (deferred < spreadOverMs && writerBehind() && !stopped()) {
        const t = Date.now();
        await sleep(DEFER_STEP_MS);
        deferred += Date.now() - t;
      }
      await this.dataSource.transaction(async (tx) => {
        await tx.query(NO_JIT); // (~15 % of a chunk's time at 10 M rows went to compiling it)
        const rows: Array<{ seq: string }> = await tx.query(
          `SELECT seq FROM audit_log WHERE seq >= $1 AND seq < $2 AND NOT ${AUDIT_LEAF_FUNCTION}(${AUDIT_CHECKED_COLUMNS.join(', ')}) ORDER BY seq`,
          [from, from + CHUNK],
        );
        bad.push(...rows.map((r) => Number(r.seq)));
        unindexed.push(...(await this.bandIndexMismatches(from, from + CHUNK, tx)));
      });
      const due =
        began + deferred + (spreadOverMs * Math.min(from + CHUNK, Number(size))) / Number(size);
      while (due > Date.now() && !stopped()) await sleep(Math.min(1000, due - Date.now()));
    }
    if (unindexed.length)
      // not the log's integrity (the tree does not cover the band index): the search may miss these calls
      this.logger.error(
        { event: 'audit_band_index_mismatch', rows: unindexed.length },
        `calls whose band index entry differs from their log row: seq ${unindexed.slice(0, 20).join(', ')}${unindexed.length > 20 ? ', …' : ''}`,
      );
    if (bad.length) {
      const reason = `rows whose columns disagree with their leaf: seq ${bad.slice(0, 20).join(', ')}${bad.length > 20 ? ', …' : ''}`;
      this.logger.error({ event: 'audit_integrity_alarm', rows: bad.length }, reason);
      await this.keeper.raiseAlarm({
        detectedAt: new Date().toISOString(),
        reason,
        trustedSize: null,
        databaseSize: Number(size),
      });
    }
    return bad;
  }

  /**
   * Log rows in [fromSeq, toSeq) whose completion bands the provenance search's index
   * (audit_completion_bands) lacks or holds otherwise. The index is outside the tree, so a
   * difference cannot forge the log; it hides a call from the search (the search re-checks the
   * log's own column, so an altered entry cannot add one). Cheap beside the leaf check: the rows
   * are cached by it, the index is read by its primary key.
   */
  async bandIndexMismatches(
    fromSeq: number,
    toSeq: number,
    db: Pick<EntityManager, 'query'> = this.dataSource,
  ): Promise<number[]> {
    const rows: Array<{ seq: string }> = await db.query(
      `SELECT a.seq FROM audit_log a
         LEFT JOIN audit_completion_bands b
           ON b.seq = a.seq AND b.occurred_at = a.occurred_at AND b.seq >= $1 AND b.seq < $2
        WHERE a.seq >= $1 AND a.seq < $2 AND a.completion_bands IS DISTINCT FROM b.bands
        ORDER BY a.seq`,
      [fromSeq, toSeq],
    );
    return rows.map((r) => Number(r.seq));
  }
}
