import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { PoolClient } from 'pg';
import { CompactRange } from '../merkle/compact-range';
import type { AuditEntry } from '../producer/audit-entry';
import { copyBytea, copyInto, copyText } from './copy-text';
import { LOG_COPY_COLUMNS, pgText, type PreparedEntry, prepareEntry } from './prepared-entry';

const NODE_COPY_COLUMNS = ['level', 'idx', 'hash'];

export type AppendOutcome = 'appended' | 'duplicate';

/**
 * The only code that appends to the log. In one transaction it locks the tree state row (so
 * sequence numbers are assigned in one place, in order, even with several workers), drops
 * entries already in the log (a redelivered job), appends the rest as Merkle leaves, stores
 * every perfect subtree they complete, and keeps texts only under a retention policy. Rows go
 * in by COPY, prepared before the lock (see PreparedEntry): under it only sequence numbers and
 * tree nodes are computed.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  append(entries: AuditEntry[]): Promise<AppendOutcome[]> {
    return this.appendPrepared(entries.map(prepareEntry));
  }

  appendPrepared(entries: PreparedEntry[]): Promise<AppendOutcome[]> {
    return this.dataSource.transaction((tx) => this.appendIn(tx, entries));
  }

  private async appendIn(tx: EntityManager, entries: PreparedEntry[]): Promise<AppendOutcome[]> {
    await tx.query(NO_JIT);
    // Read before the tree lock, which orders every process's batches: the less waits under it, the more batches a second.
    const retention = await this.retentionDays(tx, entries);
    const [state] = await tx.query(
      `SELECT size, frontier FROM audit_tree_state WHERE id = 1 FOR UPDATE`,
    );
    const range = new CompactRange(Number(state.size), state.frontier as Buffer[]);
    const ids = entries.map((e) => e.entry.eventId);
    const existing = new Set<string>(
      (
        await tx.query(`SELECT event_id FROM audit_log WHERE event_id = ANY($1::text[])`, [ids])
      ).map((r: { event_id: string }) => r.event_id),
    );
    const outcomes: AppendOutcome[] = [];
    const rows: Array<{ seq: number; row: Buffer }> = [];
    const nodes: string[] = [];
    const fresh: Array<{ entry: AuditEntry; seq: number }> = [];
    for (const { entry, leafHash, row } of entries) {
      if (existing.has(entry.eventId)) {
        outcomes.push('duplicate');
        continue;
      }
      existing.add(entry.eventId);
      outcomes.push('appended');
      const seq = range.size;
      for (const node of range.append(leafHash))
        nodes.push(`${node.level}\t${node.index}\t${copyBytea(node.hash)}\n`);
      rows.push({ seq, row });
      fresh.push({ entry, seq });
    }
    if (rows.length === 0) return outcomes;
    const client = (await tx.queryRunner!.connect()) as PoolClient;
    await copyInto(client, 'audit_log', LOG_COPY_COLUMNS, copyLines(rows));
    await copyInto(client, 'audit_tree_node', NODE_COPY_COLUMNS, nodes.join(''));
    await indexBands(tx, rows[0].seq, range.size);
    await keepTexts(client, fresh, retention);
    await tx.query(
      `UPDATE audit_tree_state SET size = $1, frontier = $2::bytea[], root = $3, updated_at = now() WHERE id = 1`,
      [range.size, range.hashes, range.root()],
    );
    return outcomes;
  }

  /** Days each of the batch's organisations keeps texts (audit_retention_policy); absent: none kept. */
  private async retentionDays(
    tx: EntityManager,
    entries: PreparedEntry[],
  ): Promise<Map<string, number>> {
    const orgs = new Set<string>();
    for (const { entry } of entries)
      if (entry.kind === 'premium_call') orgs.add(entry.organizationId);
    if (orgs.size === 0) return new Map();
    const policies: Array<{ organization_id: string; retention_days: number }> = await tx.query(
      `SELECT organization_id, retention_days FROM audit_retention_policy WHERE organization_id = ANY($1::uuid[])`,
      [[...orgs]],
    );
    return new Map(policies.map((p) => [p.organization_id, Number(p.retention_days)]));
  }
}

/**
 * For the rest of the transaction: no JIT compilation. The planner cannot know that a range of new
 * sequence numbers holds one batch (on a 10 M-row log it estimates ~150,000 rows for the band
 * index's INSERT … SELECT), so past its cost threshold PostgreSQL JIT-compiles the statement: ~80 ms
 * per batch under the tree lock to run a 2 ms scan, which cost the 10 M-row log a fifth of its
 * records a second and put its lag at ~0.5 s (docs/audit.md). Statements that read a known, small
 * range never gain from JIT; the row sweep's chunks run without it too.
 */
export const NO_JIT = 'SET LOCAL jit = off';

/**
 * Texts kept under a retention policy, by COPY into the partitioned audit_text (COPY routes each
 * row to its partition). No duplicate check is needed: `fresh` holds only events not yet in the
 * log (checked under the tree lock), and a text is only ever written in its log row's transaction.
 */
async function keepTexts(
  client: PoolClient,
  fresh: Array<{ entry: AuditEntry; seq: number }>,
  days: Map<string, number>,
): Promise<void> {
  if (days.size === 0) return;
  let lines = '';
  for (const { entry, seq } of fresh) {
    if (entry.kind !== 'premium_call') continue;
    const retention = days.get(entry.organizationId);
    if (retention === undefined) continue;
    lines += `${copyText(entry.eventId)}\t${seq}\t${entry.organizationId}\t${copyText(pgText(entry.promptText))}\t${copyText(pgText(entry.completionText))}\t${expiresAt(entry.occurredAt, retention)}\n`;
  }
  if (lines) await copyInto(client, 'audit_text', TEXT_COPY_COLUMNS, lines);
}

/**
 * The provenance search's band index (audit_completion_bands, by day): the rows just appended, their
 * completion bands exactly as the log holds them, in the log rows' transaction, so a record and
 * its band entry commit together or not at all. Under the tree lock (the transaction holds it to
 * the end), but the GIN it grows holds one day of calls, not the whole log.
 */
function indexBands(tx: EntityManager, fromSeq: number, toSeq: number): Promise<unknown> {
  return tx.query(INDEX_BANDS_SQL, [fromSeq, toSeq]);
}

/** The log rows with seq in [$1, $2) into the band index, their bands copied from the log's column. */
export const INDEX_BANDS_SQL = `INSERT INTO audit_completion_bands (seq, occurred_at, bands)
  SELECT seq, occurred_at, completion_bands FROM audit_log
   WHERE seq >= $1 AND seq < $2 AND completion_bands IS NOT NULL`;

/** `seq`, a tab, the prepared row and a newline per row, in one buffer (a copy, no re-encoding). */
function copyLines(rows: Array<{ seq: number; row: Buffer }>): Buffer {
  let size = 0;
  for (const { seq, row } of rows) size += String(seq).length + row.length + 2;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const { seq, row } of rows) {
    at += out.write(`${seq}\t`, at, 'latin1');
    at += row.copy(out, at);
    out[at++] = 0x0a;
  }
  return out;
}

const TEXT_COPY_COLUMNS = [
  'event_id',
  'seq',
  'organization_id',
  'prompt_text',
  'completion_text',
  'expires_at',
];

/** When a text kept for `days` expires: that many days of 24 h after the call (UTC). */
const expiresAt = (occurredAt: string, days: number): string =>
  new Date(Date.parse(occurredAt) + days * 86_400_000).toISOString();
