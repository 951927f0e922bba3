import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * C2SP signed-note (https://c2sp.org/signed-note): a text body followed by a blank line and one
 * signature line per signer, `— <key name> base64(4-byte key id || signature)`. Ed25519 note keys
 * (type 0x01) sign checkpoints; Ed25519 cosignatures (type 0x04, c2sp.org/tlog-cosignature) are
 * timestamped witness signatures over the same body. Pure: no Nest, no database.
 */
export const NOTE_ED25519 = 0x01;
export const COSIGNATURE_ED25519 = 0x04;

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const EM_DASH = '\u2014';

export const ed25519PublicKey = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

/** SHA-256(name || "\n" || type || public key)[:4], per signed-note and tlog-cosignature. */
export function noteKeyId(name: string, type: number, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name)
    .update('\n')
    .update(Buffer.of(type))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  type: number;
  publicKey: Buffer;
}

/** The `<name>+<hex key id>+<base64(type || key)>` form Go's sumdb/note and tlog-policy use. */
export const formatVkey = (name: string, type: number, publicKey: Buffer): string =>
  `${name}+${noteKeyId(name, type, publicKey).toString('hex')}+${Buffer.concat([Buffer.of(type), publicKey]).toString('base64')}`;

/** A note verifier key rather than a bare base64 key (which may contain '+' too). */
export const isVkey = (text: string): boolean => /^[^+\s]+\+[0-9a-f]{8}\+/.test(text.trim());

export function parseVkey(vkey: string): VerifierKey {
  // The name has no '+', the id is hex; the base64 key material may contain '+'.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error(`malformed verifier key: ${vkey}`);
  const parts = m.slice(1);
  const material = Buffer.from(parts[2], 'base64');
  const type = material[0];
  const publicKey = material.subarray(1);
  if ((type !== NOTE_ED25519 && type !== COSIGNATURE_ED25519) || publicKey.length !== 32)
    throw new Error(`unsupported verifier key type in ${vkey}`);
  const keyId = noteKeyId(parts[0], type, publicKey);
  if (keyId.toString('hex') !== parts[1])
    throw new Error(`verifier key id does not match its key: ${vkey}`);
  return { name: parts[0], keyId, type, publicKey };
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** What follows the key id: an Ed25519 signature, or a cosignature's timestamp and signature. */
  signature: Buffer;
}

export const signatureLine = (name: string, keyId: Buffer, signature: Buffer): string =>
  `${EM_DASH} ${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;

/** Splits a note into its body (ending in a newline) and signature lines; throws when malformed. */
export function openNote(text: string): { body: string; signatures: NoteSignature[] } {
  const at = text.lastIndexOf('\n\n');
  if (at < 0 || !text.endsWith('\n')) throw new Error('malformed note: no signature block');
  const body = text.slice(0, at + 1);
  const signatures = text
    .slice(at + 2)
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => parseSignatureLine(line));
  if (signatures.length === 0) throw new Error('malformed note: no signatures');
  return { body, signatures };
}

export function parseSignatureLine(line: string): NoteSignature {
  const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line.replace(/\n$/, ''));
  if (!m) throw new Error(`malformed note signature line: ${line}`);
  const raw = Buffer.from(m[2], 'base64');
  if (raw.length < 5) throw new Error('note signature too short');
  return { name: m[1], keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
}

const matches = (sig: NoteSignature, key: VerifierKey) =>
  sig.name === key.name && sig.keyId.equals(key.keyId);

/** True when one of the note's signatures is a valid Ed25519 note signature by `key`. */
export function noteSignedBy(body: string, signatures: NoteSignature[], key: VerifierKey): boolean {
  if (key.type !== NOTE_ED25519) return false;
  return signatures.some(
    (s) =>
      matches(s, key) &&
      s.signature.length === 64 &&
      safeVerify(Buffer.from(body), key.publicKey, s.signature),
  );
}

/** The message a witness signs (tlog-cosignature, Ed25519): header, time line, then the checkpoint body. */
export const cosignedMessage = (body: string, timestamp: number): Buffer =>
  Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`);

/** The timestamp of a valid cosignature by `key` on `body`, or null. */
export function cosignatureBy(
  body: string,
  signatures: NoteSignature[],
  key: VerifierKey,
): number | null {
  if (key.type !== COSIGNATURE_ED25519) return null;
  for (const s of signatures) {
    if (!matches(s, key) || s.signature.length !== 72) continue;
    const timestamp = Number(s.signature.readBigUInt64BE(0));
    if (safeVerify(cosignedMessage(body, timestamp), key.publicKey, s.signature.subarray(8)))
      return timestamp;
  }
  return null;
}

function safeVerify(message: Buffer, publicKey: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, message, ed25519PublicKey(publicKey), signature);
  } catch {
    return false;
  }
}
