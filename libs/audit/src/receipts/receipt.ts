import {
  formatVkey,
  NOTE_ED25519,
  noteKeyId,
  noteSignedBy,
  openNote,
  parseVkey,
  signatureLine,
  type VerifierKey,
} from '../checkpoint/signed-note';
import type { AuditKeySigner } from '../tree-head/key-signer';

/**
 * A signed receipt: the gateway's promise that a call is in the log (like a Certificate
 * Transparency SCT). A C2SP signed-note, so Go's sumdb/note opens it too, with the body
 *
 *   velvet-audit-receipt/v2
 *   <log origin>
 *   <call id>
 *   <unix milliseconds>
 *   <SHA-256 of the call's audit event, hex>
 *
 * The event is the exact JSON the gateway appends to its audit stream; the worker puts its SHA-256
 * in the leaf (`eventSha256`, leaf v3), so checking a receipt means finding the call's leaf, proven
 * included, and comparing that one field. The gateway pays one SHA-256 and one signature: it never
 * derives the leaf (MinHash, bands, flags) itself. A v1 receipt named the RFC 6962 leaf hash instead
 * (older gateways, and receipts fetched for leaves written before v3); both verify.
 *
 * Signed by the gateway's receipt key (Ed25519 note key named `<origin>/receipt`), never by the
 * log's key, which only the audit worker holds. On the wire (a response header, an SSE comment)
 * it travels as base64 of the whole note. Pure: no Nest, no database.
 */
export const RECEIPT_HEADER = 'x-velvet-receipt';
const RECEIPT_TAGS = { 1: 'velvet-audit-receipt/v1', 2: 'velvet-audit-receipt/v2' } as const;
const HEX64 = /^[0-9a-f]{64}$/;

/** What a receipt commits to: the call's audit event (v2) or, in older receipts, its leaf hash (v1). */
export type ReceiptCommitment = { eventSha256: string } | { leafHash: string };

export type Receipt = {
  origin: string;
  callId: string;
  /** When the gateway accepted the call's event (unix ms). */
  timestamp: number;
  /** The signer's key name and key id (hex), as the signature line names them. */
  keyName: string;
  keyId: string;
} & (
  | {
      version: 2;
      /** SHA-256 (hex) of the event JSON, as the leaf's `eventSha256`. */ eventSha256: string;
    }
  | { version: 1; /** The RFC 6962 leaf hash (hex), as in exports' `leafHash`. */ leafHash: string }
);

export const receiptKeyName = (origin: string): string => `${origin}/receipt`;

export function receiptBody(
  r: Pick<Receipt, 'origin' | 'callId' | 'timestamp'> & ReceiptCommitment,
): string {
  for (const v of [r.origin, r.callId])
    if (!v || /\s/.test(v)) throw new Error('receipt fields are one word each');
  const v2 = 'eventSha256' in r;
  const hash = v2 ? r.eventSha256 : r.leafHash;
  if (!HEX64.test(hash)) throw new Error('a receipt hash must be 64 hex digits');
  return `${RECEIPT_TAGS[v2 ? 2 : 1]}\n${r.origin}\n${r.callId}\n${r.timestamp}\n${hash}\n`;
}

/** Signs receipts with a note key named after the log's origin. */
export class ReceiptSigner {
  readonly name: string;
  readonly keyId: Buffer;
  /** The verifier key (`<origin>/receipt+<id>+<key>`), published at /audit-log/receipt-keys. */
  readonly vkey: string;

  constructor(
    private readonly signer: AuditKeySigner,
    readonly origin: string,
  ) {
    this.name = receiptKeyName(origin);
    this.keyId = noteKeyId(this.name, NOTE_ED25519, signer.publicKey);
    this.vkey = formatVkey(this.name, NOTE_ED25519, signer.publicKey);
  }

  /** A v2 receipt for the call whose audit event hashes to `eventSha256`: base64 of the signed note. */
  sign(callId: string, eventSha256: Buffer, timestamp = Date.now()): Promise<string> {
    return this.signBody(callId, { eventSha256: eventSha256.toString('hex') }, timestamp);
  }

  /** A v1 receipt naming a leaf hash: only for leaves written before v3, which carry no event hash. */
  signLeaf(callId: string, leafHash: Buffer, timestamp = Date.now()): Promise<string> {
    return this.signBody(callId, { leafHash: leafHash.toString('hex') }, timestamp);
  }

  private async signBody(
    callId: string,
    commitment: ReceiptCommitment,
    timestamp: number,
  ): Promise<string> {
    const body = receiptBody({ origin: this.origin, callId, timestamp, ...commitment });
    const signature = await this.signer.sign(Buffer.from(body));
    return Buffer.from(body + '\n' + signatureLine(this.name, this.keyId, signature)).toString(
      'base64',
    );
  }
}

/** Reads a receipt (base64 or the note itself) and checks its signature by one of `keys`; throws why it does not verify. */
export function openReceipt(encoded: string, keys: readonly string[]): Receipt {
  const text = encoded.trim();
  const note = text.includes('\n') ? `${text}\n` : Buffer.from(text, 'base64').toString('utf8');
  const { body, signatures } = openNote(note);
  const lines = body.split('\n');
  const version = lines[0] === RECEIPT_TAGS[2] ? 2 : lines[0] === RECEIPT_TAGS[1] ? 1 : 0;
  if (lines.length !== 6 || !version) throw new Error('not a velvet-audit-receipt note');
  const [, origin, callId, time, hash] = lines;
  if (!/^\d+$/.test(time) || !HEX64.test(hash)) throw new Error('malformed receipt body');
  const parsed: VerifierKey[] = keys.map((k) => parseVkey(k));
  const key = parsed.find(
    (k) => k.name === receiptKeyName(origin) && noteSignedBy(body, signatures, k),
  );
  if (!key) throw new Error(`receipt for call ${callId}: not signed by a receipt key of ${origin}`);
  const common = {
    origin,
    callId,
    timestamp: Number(time),
    keyName: key.name,
    keyId: key.keyId.toString('hex'),
  };
  return version === 2
    ? { ...common, version, eventSha256: hash }
    : { ...common, version, leafHash: hash };
}

/** Receipts from a file: one per line (base64, optionally after `x-velvet-receipt:` as copied from a header or SSE comment); `#` lines ignored. */
export function splitReceipts(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^x-velvet-receipt:\s*/i, '').replace(/^:\s*x-velvet-receipt\s*/i, ''));
}
