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
 * A signed receipt: the gateway's promise that a call's leaf will be in the log (like a Certificate
 * Transparency SCT). A C2SP signed-note, so Go's sumdb/note opens it too, with the body
 *
 *   velvet-audit-receipt/v1
 *   <log origin>
 *   <call id>
 *   <unix milliseconds>
 *   <RFC 6962 leaf hash, hex>
 *
 * signed by the gateway's receipt key (Ed25519 note key named `<origin>/receipt`), never by the
 * log's key, which only the audit worker holds. On the wire (a response header, an SSE comment)
 * it travels as base64 of the whole note. Pure: no Nest, no database.
 */
export const RECEIPT_HEADER = 'x-velvet-receipt';
const RECEIPT_TAG = 'velvet-audit-receipt/v1';

export interface Receipt {
  origin: string;
  callId: string;
  /** When the gateway accepted the call's entry (unix ms). */
  timestamp: number;
  /** The RFC 6962 leaf hash the log will hold (hex), as in exports' `leafHash`. */
  leafHash: string;
  /** The signer's key name and key id (hex), as the signature line names them. */
  keyName: string;
  keyId: string;
}

export const receiptKeyName = (origin: string): string => `${origin}/receipt`;

export function receiptBody(
  r: Pick<Receipt, 'origin' | 'callId' | 'timestamp' | 'leafHash'>,
): string {
  for (const v of [r.origin, r.callId])
    if (!v || /\s/.test(v)) throw new Error('receipt fields are one word each');
  if (!/^[0-9a-f]{64}$/.test(r.leafHash))
    throw new Error('receipt leaf hash must be 64 hex digits');
  return `${RECEIPT_TAG}\n${r.origin}\n${r.callId}\n${r.timestamp}\n${r.leafHash}\n`;
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

  /** The receipt as it travels: base64 of the signed note. */
  async sign(callId: string, leafHash: Buffer, timestamp = Date.now()): Promise<string> {
    const body = receiptBody({
      origin: this.origin,
      callId,
      timestamp,
      leafHash: leafHash.toString('hex'),
    });
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
  if (lines.length !== 6 || lines[0] !== RECEIPT_TAG)
    throw new Error('not a velvet-audit-receipt/v1 note');
  const [, origin, callId, time, leafHash] = lines;
  if (!/^\d+$/.test(time) || !/^[0-9a-f]{64}$/.test(leafHash))
    throw new Error('malformed receipt body');
  const parsed: VerifierKey[] = keys.map((k) => parseVkey(k));
  const key = parsed.find(
    (k) => k.name === receiptKeyName(origin) && noteSignedBy(body, signatures, k),
  );
  if (!key) throw new Error(`receipt for call ${callId}: not signed by a receipt key of ${origin}`);
  return {
    origin,
    callId,
    timestamp: Number(time),
    leafHash,
    keyName: key.name,
    keyId: key.keyId.toString('hex'),
  };
}

/** Receipts from a file: one per line (base64, optionally after `x-velvet-receipt:` as copied from a header or SSE comment); `#` lines ignored. */
export function splitReceipts(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^x-velvet-receipt:\s*/i, '').replace(/^:\s*x-velvet-receipt\s*/i, ''));
}
