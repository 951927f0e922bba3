import { openReceipt, type Receipt } from './receipt';

/**
 * Receipts checked against an export that verified (verifyExport: signed head, every record's leaf
 * and inclusion proof): each receipt must be signed by a published receipt key of the export's log,
 * and name a record of the export — i.e. included under the verified (and, with
 * --trusted-checkpoint, consistent) head: for a v2 receipt the call's leaf, whose `eventSha256` must
 * be the receipt's (a leaf derived from another event breaks the promise); for a v1 receipt the
 * record with its leaf hash, of the same call. Also sums what the leaves say was
 * charged, so an organisation can recompute its statement from its own leaves. Pure.
 */
export interface ExportRecordLeaf {
  seq: number;
  leafHash: string;
  leaf: string;
}

export interface BillingLine {
  day: string;
  currency: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the leaves' costMicros (decimal string: bigint micro-units). */
  costMicros: string;
}

export interface ReceiptCheckResult {
  checked: number;
  included: Array<Receipt & { seq: number }>;
  problems: string[];
  /** Premium calls of the export per UTC day and currency; leaves without costMicros (before receipts) counted apart. */
  billing: BillingLine[];
  unpricedLeaves: number;
}

interface LeafFacts {
  kind?: string;
  eventId?: string;
  eventSha256?: string;
  occurredAt?: string;
  inputTokens?: number;
  outputTokens?: number;
  costMicros?: string;
  currency?: string;
  status?: string;
}

export function checkReceipts(
  receipts: readonly string[],
  keys: readonly string[],
  records: readonly ExportRecordLeaf[],
  origin: string | undefined,
): ReceiptCheckResult {
  const problems: string[] = [];
  const included: ReceiptCheckResult['included'] = [];
  const byHash = new Map(records.map((r) => [r.leafHash, r]));
  const byCall = new Map<string, { record: ExportRecordLeaf; facts: LeafFacts }>();
  for (const record of records) {
    const facts = parse(record.leaf);
    if (facts.kind === 'premium_call' && facts.eventId)
      byCall.set(facts.eventId, { record, facts });
  }
  receipts.forEach((encoded, i) => {
    let receipt: Receipt;
    try {
      receipt = openReceipt(encoded, keys);
    } catch (error) {
      problems.push(`receipt ${i + 1}: ${(error as Error).message}`);
      return;
    }
    const where = `receipt ${i + 1} (call ${receipt.callId})`;
    if (origin && receipt.origin !== origin)
      return void problems.push(
        `${where}: names log ${receipt.origin}, the export is of ${origin}`,
      );
    const notIn = `is not in the export (not included yet, outside the export's filter, or dropped from the log)`;
    if (receipt.version === 2) {
      const found = byCall.get(receipt.callId);
      if (!found) return void problems.push(`${where}: the call's leaf ${notIn}`);
      if (found.facts.eventSha256 !== receipt.eventSha256)
        return void problems.push(
          `${where}: the leaf at seq ${found.record.seq} commits to event ${found.facts.eventSha256 ?? '(none)'}, the receipt to ${receipt.eventSha256}`,
        );
      return void included.push({ ...receipt, seq: found.record.seq });
    }
    const record = byHash.get(receipt.leafHash);
    if (!record) return void problems.push(`${where}: its leaf ${receipt.leafHash} ${notIn}`);
    const facts = parse(record.leaf);
    if (facts.eventId !== receipt.callId)
      return void problems.push(
        `${where}: the leaf at seq ${record.seq} is of call ${facts.eventId}`,
      );
    included.push({ ...receipt, seq: record.seq });
  });
  return { checked: receipts.length, included, problems, ...billingOf(records) };
}

function parse(leaf: string): LeafFacts {
  try {
    return JSON.parse(leaf) as LeafFacts;
  } catch {
    return {};
  }
}

/** What the leaves say was charged, per UTC day and currency (premium calls only: the log holds no others). */
export function billingOf(
  records: readonly ExportRecordLeaf[],
): Pick<ReceiptCheckResult, 'billing' | 'unpricedLeaves'> {
  const lines = new Map<string, BillingLine & { micros: bigint }>();
  let unpricedLeaves = 0;
  for (const r of records) {
    const f = parse(r.leaf);
    if (f.kind !== 'premium_call') continue;
    if (f.costMicros === undefined || !f.currency || !/^\d+$/.test(f.costMicros)) {
      unpricedLeaves++;
      continue;
    }
    const day = String(f.occurredAt ?? '').slice(0, 10);
    const key = `${day} ${f.currency}`;
    const line = lines.get(key) ?? {
      day,
      currency: f.currency,
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costMicros: '0',
      micros: 0n,
    };
    line.calls++;
    line.inputTokens += f.inputTokens ?? 0;
    line.outputTokens += f.outputTokens ?? 0;
    line.micros += BigInt(f.costMicros);
    lines.set(key, line);
  }
  const billing = [...lines.values()]
    .sort((a, b) =>
      a.day === b.day ? a.currency.localeCompare(b.currency) : a.day.localeCompare(b.day),
    )
    .map(({ micros, ...line }) => ({ ...line, costMicros: micros.toString() }));
  return { billing, unpricedLeaves };
}
