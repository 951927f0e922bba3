/** The fault test's verdict per call: what each client received against the usage and audit records. */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';

export interface ClientCall {
  callId: string | null;
  stream: boolean;
  status: number | 'error';
  /** Completion text the client received. */
  text: string;
  /** The whole response arrived (a plain 200, or a stream up to [DONE]). */
  complete: boolean;
  /** How an incomplete stream ended: an error event from the gateway, or the connection cut. */
  ended?: 'error_event' | 'cut';
  /** When the call ended (ms since the epoch). */
  endedAt: number;
}

export interface CallReconciliation {
  calls: number;
  complete: number;
  partial: number;
  withoutText: number;
  /** Text delivered but no usage record, or one that charges nothing. */
  unbilled: string[];
  /** Text delivered but no audit record. */
  unaudited: string[];
  /** A complete response whose records do not say `succeeded`, or whose audited text is not what the client received. */
  completeMismatch: string[];
  /** Records saying `succeeded` for a call whose client did not receive the whole response. */
  succeededUndelivered: string[];
  /**
   * The one window no ordering can close: the gateway killed after a call's records were accepted
   * and before its last bytes left (the records must come first). Tolerated only for a call whose
   * connection was cut within a second of a gateway kill, and, for a stream, whose client had
   * received the whole audited text (only the end marker missing).
   */
  recordedAtKill: string[];
  interruptedBilled: number;
  /** Partial streams the gateway ended with an error event (Redis refused the next write-ahead) / that lost their connection (gateway killed). */
  partialByErrorEvent: number;
  partialByCut: number;
  usageStatuses: Record<string, number>;
  auditStatuses: Record<string, number>;
  ok: boolean;
}

const BILLED = new Set(['succeeded', 'cancelled', 'interrupted']);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function reconcileCalls(
  db: Client,
  calls: ClientCall[],
  gatewayKills: number[],
): Promise<CallReconciliation> {
  const ids = calls.map((c) => c.callId).filter((id): id is string => !!id);
  const usage = new Map<string, { status: string; cost: bigint; output: number }>();
  for (const r of (
    await db.query(
      `SELECT request_id, status, cost_micros, output_tokens FROM usage_records WHERE request_id = ANY($1)`,
      [ids],
    )
  ).rows) {
    usage.set(r.request_id, {
      status: r.status,
      cost: BigInt(r.cost_micros),
      output: r.output_tokens,
    });
  }
  const audit = new Map<string, { status: string; completionSha: string }>();
  for (const r of (
    await db.query(
      `SELECT event_id, status, encode(completion_sha256, 'hex') AS sha FROM audit_log WHERE event_id = ANY($1)`,
      [ids],
    )
  ).rows) {
    audit.set(r.event_id, { status: r.status, completionSha: r.sha });
  }
  const out: CallReconciliation = {
    calls: calls.length,
    complete: 0,
    partial: 0,
    withoutText: 0,
    unbilled: [],
    unaudited: [],
    completeMismatch: [],
    succeededUndelivered: [],
    recordedAtKill: [],
    interruptedBilled: 0,
    partialByErrorEvent: 0,
    partialByCut: 0,
    usageStatuses: {},
    auditStatuses: {},
    ok: false,
  };
  for (const u of usage.values())
    out.usageStatuses[u.status] = (out.usageStatuses[u.status] ?? 0) + 1;
  for (const a of audit.values())
    out.auditStatuses[a.status] = (out.auditStatuses[a.status] ?? 0) + 1;
  for (const c of calls) {
    const u = c.callId ? usage.get(c.callId) : undefined;
    const a = c.callId ? audit.get(c.callId) : undefined;
    const label = `${c.callId ?? '(no id)'} ${c.stream ? 'stream' : 'plain'} ${c.status}`;
    const atKill =
      c.status !== 200 || c.ended === 'cut'
        ? gatewayKills.some((t) => c.endedAt >= t - 50 && c.endedAt <= t + 1000)
        : false;
    const undelivered = (whole: boolean) =>
      (atKill && whole ? out.recordedAtKill : out.succeededUndelivered).push(label);
    if (!c.text && !c.complete) {
      out.withoutText++;
      if (u?.status === 'succeeded' || a?.status === 'succeeded') undelivered(!c.stream);
      continue;
    }
    if (!u || !BILLED.has(u.status) || u.cost <= 0n || u.output <= 0) out.unbilled.push(label);
    if (!a) out.unaudited.push(label);
    if (c.complete) {
      out.complete++;
      if (
        u?.status !== 'succeeded' ||
        a?.status !== 'succeeded' ||
        a.completionSha !== sha256(c.text)
      )
        out.completeMismatch.push(label);
    } else {
      out.partial++;
      if (u?.status === 'succeeded' || a?.status === 'succeeded')
        undelivered(a?.completionSha === sha256(c.text));
      if (u?.status === 'interrupted' && u.cost > 0n) out.interruptedBilled++;
      if (c.ended === 'error_event') out.partialByErrorEvent++;
      if (c.ended === 'cut') out.partialByCut++;
    }
  }
  out.ok =
    out.complete > 0 &&
    !out.unbilled.length &&
    !out.unaudited.length &&
    !out.completeMismatch.length &&
    !out.succeededUndelivered.length;
  return out;
}
