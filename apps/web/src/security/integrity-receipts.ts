import { raw, withQuery } from '../api/client';
import type { Step } from './integrity-checks';
import {
  logNoteKey,
  noteSignedBy,
  openNote,
  parseCheckpointBody,
  parseNoteKey,
} from './integrity-note';
import { checkWebPolicy, parseWebPolicy } from './integrity-policy';
import {
  auditLeafHash,
  fromBase64,
  fromHex,
  type SignedTreeHead,
  toHex,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
} from './merkle';

/**
 * Receipts checked in the browser, as `npm run audit:verify -- --receipts` does:
 * the organisation's export since the checkpoint the admin saved is fetched, its signed head
 * verified (pinned key, witness quorum when a policy is given, consistency with the saved
 * checkpoint from the saved root), and each receipt's signature, call and leaf checked (a v2
 * receipt's event hash against the call's leaf's `eventSha256`, a v1 receipt's leaf hash), the leaf
 * proven included; the leaves' charges are summed per day and currency (verifiable billing).
 */
export interface ReceiptInputs {
  receipts: string;
  receiptKeys: string;
  savedCheckpoint?: string;
  policy?: string;
  pinnedKey?: string;
}

export interface WebBillingLine {
  day: string;
  currency: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: bigint;
}

interface RecordLine {
  type: 'record';
  seq: number;
  leaf: string;
  leafHash: string;
  inclusionProof: string[];
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^:?\s*x-velvet-receipt:?\s*/i, ''))
    .filter((l) => l && !l.startsWith('#'));

const step = (ok: boolean, text: string): Step => ({ ok, text });

/** v2 receipts sign the call's audit event (the leaf's eventSha256); v1, the leaf hash. */
const RECEIPT_VERSIONS: Record<string, number> = {
  'velvet-audit-receipt/v1': 1,
  'velvet-audit-receipt/v2': 2,
};

export async function checkReceiptsHere(
  input: ReceiptInputs,
): Promise<{ steps: Step[]; billing: WebBillingLine[] }> {
  const steps: Step[] = [];
  const keys = lines(input.receiptKeys).map(parseNoteKey);
  const saved = input.savedCheckpoint?.trim() ? input.savedCheckpoint.trim() + '\n' : null;
  const savedBody = saved ? parseCheckpointBody(openNote(saved).body) : null;
  const res = await raw(
    'GET',
    withQuery('/audit/export', {
      format: 'jsonl',
      ...(savedBody ? { sinceTreeSize: savedBody.size } : {}),
    }),
  );
  const parsed = (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const head = parsed[0] as unknown as SignedTreeHead & { type: string };
  const sig = await verifyTreeHead(head, input.pinnedKey || undefined);
  steps.push(
    step(
      sig.ok,
      sig.ok
        ? `Export's tree head verified: ${head.treeSize} entries of log ${head.origin ?? '?'}`
        : `Tree head INVALID: ${sig.reason ?? ''}`,
    ),
  );
  const origin = head.origin ?? '';
  if (saved && savedBody) {
    const note = openNote(saved);
    const signed = await noteSignedBy(
      note.body,
      note.signatures,
      logNoteKey(savedBody.origin, input.pinnedKey || head.publicKey),
    );
    const proof = parsed.find(
      (p) => p.type === 'consistency' && Number(p.first) === savedBody.size,
    );
    const consistent =
      savedBody.size === head.treeSize
        ? savedBody.rootHex === head.rootHash
        : !!proof &&
          verifyConsistency(
            savedBody.size,
            head.treeSize,
            fromHex(savedBody.rootHex),
            fromHex(head.rootHash),
            ((proof.proof as string[]) ?? []).map(fromHex),
          );
    steps.push(
      step(
        signed && savedBody.origin === origin,
        signed
          ? `Your saved checkpoint (${savedBody.size} entries) is signed by the log`
          : 'Your saved checkpoint is NOT signed by the log key',
      ),
    );
    steps.push(
      step(
        consistent,
        consistent
          ? `The log grew from your saved checkpoint to ${head.treeSize} entries without rewriting it`
          : 'The log is NOT consistent with your saved checkpoint: history was rewritten',
      ),
    );
  }
  if (input.policy?.trim()) {
    const note = await (await fetch('/audit-log/checkpoint')).text();
    const body = parseCheckpointBody(openNote(note).body);
    const { problems, cosigners } = await checkWebPolicy(note, parseWebPolicy(input.policy));
    const same = body.size === head.treeSize && body.rootHex === head.rootHash;
    steps.push(
      step(
        problems.length === 0 && same,
        problems.length
          ? problems.join('; ')
          : same
            ? `Witness quorum met (${cosigners.join(', ')})`
            : "The cosigned checkpoint is not the export's head (the log moved: retry)",
      ),
    );
  }
  const records = parsed.filter((p) => p.type === 'record') as unknown as RecordLine[];
  for (const [i, encoded] of lines(input.receipts).entries()) {
    steps.push(await checkOne(i + 1, encoded, keys, records, head, origin));
  }
  return { steps, billing: billingOf(records) };
}

/** Finds the record a receipt names: v2 by its call (the leaf's eventSha256 must match), v1 by its leaf hash. */
function recordOf(
  version: number,
  callId: string,
  hash: string,
  records: RecordLine[],
): { record?: RecordLine; problem?: string } {
  if (version === 1) {
    const record = records.find((r) => r.leafHash === hash);
    return record ? { record } : { problem: "its leaf is NOT in the log's export" };
  }
  for (const record of records) {
    const leaf = JSON.parse(record.leaf) as {
      kind?: string;
      eventId?: string;
      eventSha256?: string;
    };
    if (leaf.kind !== 'premium_call' || leaf.eventId !== callId) continue;
    return leaf.eventSha256 === hash
      ? { record }
      : {
          problem: `the leaf #${record.seq} commits to another event than the receipt (NOT the promised call)`,
        };
  }
  return { problem: "its leaf is NOT in the log's export" };
}

async function checkOne(
  n: number,
  encoded: string,
  keys: ReturnType<typeof parseNoteKey>[],
  records: RecordLine[],
  head: SignedTreeHead,
  origin: string,
): Promise<Step> {
  try {
    const { body, signatures } = openNote(new TextDecoder().decode(fromBase64(encoded)));
    const [tag, rOrigin, callId, , hash] = body.split('\n');
    const version = RECEIPT_VERSIONS[tag];
    if (!version) return step(false, `Receipt ${n}: not a receipt`);
    let signed = false;
    for (const k of keys)
      if (k.name === `${rOrigin}/receipt` && (await noteSignedBy(body, signatures, k)))
        signed = true;
    if (!signed)
      return step(false, `Receipt ${n} (call ${callId}): NOT signed by a published receipt key`);
    if (rOrigin !== origin)
      return step(false, `Receipt ${n}: names log ${rOrigin}, the export is of ${origin}`);
    const { record: r, problem } = recordOf(version, callId, hash, records);
    if (!r) return step(false, `Receipt ${n} (call ${callId}): ${problem}`);
    const computed = toHex(auditLeafHash(r.leaf));
    const eventId = (JSON.parse(r.leaf) as { eventId?: string }).eventId;
    const included =
      computed === r.leafHash &&
      eventId === callId &&
      verifyInclusion(
        r.seq,
        head.treeSize,
        fromHex(computed),
        r.inclusionProof.map(fromHex),
        fromHex(head.rootHash),
      );
    return step(
      included,
      included
        ? `Receipt ${n} (call ${callId}): leaf #${r.seq} included under the verified head`
        : `Receipt ${n} (call ${callId}): leaf or inclusion proof does NOT verify`,
    );
  } catch (error) {
    return step(false, `Receipt ${n}: ${(error as Error).message}`);
  }
}

function billingOf(records: RecordLine[]): WebBillingLine[] {
  const out = new Map<string, WebBillingLine>();
  for (const r of records) {
    const f = JSON.parse(r.leaf) as {
      kind?: string;
      occurredAt?: string;
      currency?: string;
      costMicros?: string;
      inputTokens?: number;
      outputTokens?: number;
    };
    if (f.kind !== 'premium_call' || !f.currency || !/^\d+$/.test(f.costMicros ?? '')) continue;
    const day = (f.occurredAt ?? '').slice(0, 10);
    const line = out.get(`${day} ${f.currency}`) ?? {
      day,
      currency: f.currency,
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costMicros: 0n,
    };
    line.calls++;
    line.inputTokens += f.inputTokens ?? 0;
    line.outputTokens += f.outputTokens ?? 0;
    line.costMicros += BigInt(f.costMicros!);
    out.set(`${day} ${f.currency}`, line);
  }
  return [...out.values()].sort((a, b) =>
    `${a.day}${a.currency}`.localeCompare(`${b.day}${b.currency}`),
  );
}
