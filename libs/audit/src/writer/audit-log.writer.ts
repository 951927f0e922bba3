import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CompactRange, type NewNode } from '../merkle/compact-range';
import { leafHash } from '../merkle/merkle';
import type { AuditEntry, PremiumCallEntry } from '../producer/audit-entry';
import { toInt32 } from '../fingerprint/minhash';
import { leafOf } from './audit-leaf';
import { INSERT_LOG_SQL, INSERT_NODES_SQL, INSERT_TEXTS_SQL } from './audit-log.sql';

export type AppendOutcome = 'appended' | 'duplicate';

/**
 * The only code that appends to the log. In one transaction it locks the tree state row (so
 * sequence numbers are assigned in one place, in order, even with several workers), drops
 * entries already in the log (a redelivered job), appends the rest as Merkle leaves, stores
 * every perfect subtree they complete, and keeps texts only under a retention policy.
 */
@Injectable()
export class AuditLogWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  append(entries: AuditEntry[]): Promise<AppendOutcome[]> {
    return this.dataSource.transaction((tx) => this.appendIn(tx, entries));
  }

  private async appendIn(tx: EntityManager, entries: AuditEntry[]): Promise<AppendOutcome[]> {
    const [state] = await tx.query(`SELECT size, frontier FROM audit_tree_state WHERE id = 1 FOR UPDATE`);
    const range = new CompactRange(Number(state.size), state.frontier as Buffer[]);
    const ids = entries.map((e) => e.eventId);
    const existing = new Set<string>(
      (await tx.query(`SELECT event_id FROM audit_log WHERE event_id = ANY($1::text[])`, [ids])).map((r: { event_id: string }) => r.event_id),
    );
    const outcomes: AppendOutcome[] = [];
    const rows: Record<string, unknown>[] = [];
    const nodes: NewNode[] = [];
    const fresh: Array<{ entry: AuditEntry; seq: number }> = [];
    for (const entry of entries) {
      if (existing.has(entry.eventId)) {
        outcomes.push('duplicate');
        continue;
      }
      existing.add(entry.eventId);
      outcomes.push('appended');
      const leaf = leafOf(entry);
      const hash = leafHash(leaf);
      const seq = range.size;
      nodes.push(...range.append(hash));
      rows.push(rowOf(entry, seq, leaf, hash));
      fresh.push({ entry, seq });
    }
    if (rows.length === 0) return outcomes;
    await tx.query(INSERT_LOG_SQL, [JSON.stringify(rows)]);
    await tx.query(INSERT_NODES_SQL, [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)]);
    await this.keepTexts(tx, fresh);
    await tx.query(`UPDATE audit_tree_state SET size = $1, frontier = $2::bytea[], root = $3, updated_at = now() WHERE id = 1`, [
      range.size,
      range.hashes,
      range.root(),
    ]);
    return outcomes;
  }

  private async keepTexts(tx: EntityManager, fresh: Array<{ entry: AuditEntry; seq: number }>): Promise<void> {
    const calls = fresh.filter((f): f is { entry: PremiumCallEntry; seq: number } => f.entry.kind === 'premium_call');
    if (calls.length === 0) return;
    const orgs = [...new Set(calls.map((c) => c.entry.organizationId))];
    const policies = await tx.query(`SELECT organization_id FROM audit_retention_policy WHERE organization_id = ANY($1::uuid[])`, [orgs]);
    if (policies.length === 0) return;
    const retained = new Set<string>(policies.map((p: { organization_id: string }) => p.organization_id));
    const texts = calls
      .filter((c) => retained.has(c.entry.organizationId))
      .map(({ entry, seq }) => ({
        event_id: entry.eventId,
        seq,
        organization_id: entry.organizationId,
        occurred_at: entry.occurredAt,
        prompt_text: pgText(entry.promptText),
        completion_text: pgText(entry.completionText),
      }));
    if (texts.length) await tx.query(INSERT_TEXTS_SQL, [JSON.stringify(texts)]);
  }
}

function rowOf(entry: AuditEntry, seq: number, leaf: string, hash: Buffer): Record<string, unknown> {
  const common = {
    seq,
    event_id: entry.eventId,
    kind: entry.kind,
    organization_id: entry.organizationId,
    occurred_at: entry.occurredAt,
    enqueued_at: entry.enqueuedAt,
    leaf,
    leaf_hash: hash.toString('hex'),
  };
  if (entry.kind === 'admin_action') {
    return {
      ...common,
      actor_user_id: entry.actorUserId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      reason: entry.reason,
      details: entry.details,
      flags: [],
    };
  }
  return {
    ...common,
    api_key_id: entry.apiKeyId,
    user_id: entry.userId,
    model_id: entry.modelId,
    model_slug: entry.modelSlug,
    tier: entry.tier,
    client_ip: entry.clientIp,
    user_agent: entry.userAgent === null ? null : pgText(entry.userAgent),
    params: entry.params,
    input_tokens: entry.inputTokens,
    output_tokens: entry.outputTokens,
    latency_ms: entry.latencyMs,
    status: entry.status,
    finish_reason: entry.finishReason,
    flags: entry.flags,
    prompt_sha256: entry.promptSha256,
    completion_sha256: entry.completionSha256,
    prompt_minhash: toInt32(entry.promptMinhash),
    completion_minhash: toInt32(entry.completionMinhash),
    prompt_bands: entry.promptBands,
    completion_bands: entry.completionBands,
  };
}

/** PostgreSQL text cannot hold NUL; the hashes were taken over the original text. */
const pgText = (text: string): string => text.replaceAll('\u0000', '\uFFFD');
