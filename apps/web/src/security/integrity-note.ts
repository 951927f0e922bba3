import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toHex, utf8, verifyEd25519 } from './merkle';

/**
 * C2SP signed-note, note verifier keys and Ed25519 cosignatures in the browser (libs/audit's
 * checkpoint/signed-note.ts is the server's, on node:crypto): what the web verifier needs to open
 * checkpoints, witness cosignatures and receipts itself.
 */
export const NOTE_ED25519 = 0x01;
export const COSIGNATURE_ED25519 = 0x04;

export interface NoteKey {
  name: string;
  keyId: string;
  type: number;
  publicKey: Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: string;
  signature: Uint8Array;
}

const keyIdOf = (name: string, type: number, key: Uint8Array) =>
  toHex(sha256(new Uint8Array([...utf8(`${name}\n`), type, ...key])).slice(0, 4));

export function parseNoteKey(vkey: string): NoteKey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) throw new Error(`malformed verifier key: ${vkey}`);
  const material = fromBase64(m[3]);
  const type = material[0];
  const publicKey = material.slice(1);
  if ((type !== NOTE_ED25519 && type !== COSIGNATURE_ED25519) || publicKey.length !== 32)
    throw new Error(`unsupported verifier key type in ${vkey}`);
  if (keyIdOf(m[1], type, publicKey) !== m[2])
    throw new Error(`verifier key id does not match its key: ${vkey}`);
  return { name: m[1], keyId: m[2], type, publicKey };
}

/** The log's note key from its origin and raw base64 public key (what the tree head carries). */
export const logNoteKey = (origin: string, publicKeyB64: string): NoteKey => {
  const publicKey = fromBase64(publicKeyB64);
  return {
    name: origin,
    keyId: keyIdOf(origin, NOTE_ED25519, publicKey),
    type: NOTE_ED25519,
    publicKey,
  };
};

export function openNote(text: string): { body: string; signatures: NoteSignature[] } {
  const at = text.lastIndexOf('\n\n');
  if (at < 0 || !text.endsWith('\n')) throw new Error('malformed note: no signature block');
  const signatures = text
    .slice(at + 2)
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new Error(`malformed note signature line: ${line}`);
      const raw = fromBase64(m[2]);
      if (raw.length < 5) throw new Error('note signature too short');
      return { name: m[1], keyId: toHex(raw.slice(0, 4)), signature: raw.slice(4) };
    });
  return { body: text.slice(0, at + 1), signatures };
}

const by = (s: NoteSignature, k: NoteKey) => s.name === k.name && s.keyId === k.keyId;

export async function noteSignedBy(
  body: string,
  signatures: NoteSignature[],
  key: NoteKey,
): Promise<boolean> {
  if (key.type !== NOTE_ED25519) return false;
  for (const s of signatures)
    if (
      by(s, key) &&
      s.signature.length === 64 &&
      (await verifyEd25519(key.publicKey, utf8(body), s.signature)).ok
    )
      return true;
  return false;
}

/** A valid tlog-cosignature/v1 by `key` on the checkpoint body. */
export async function cosignedBy(
  body: string,
  signatures: NoteSignature[],
  key: NoteKey,
): Promise<boolean> {
  if (key.type !== COSIGNATURE_ED25519) return false;
  for (const s of signatures) {
    if (!by(s, key) || s.signature.length !== 72) continue;
    const time = new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0);
    if (
      (
        await verifyEd25519(
          key.publicKey,
          utf8(`cosignature/v1\ntime ${time}\n${body}`),
          s.signature.slice(8),
        )
      ).ok
    )
      return true;
  }
  return false;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHex: string;
}

export function parseCheckpointBody(body: string): Checkpoint {
  const [origin, size, root, rest] = body.split('\n');
  const bytes = root ? fromBase64(root) : new Uint8Array();
  if (!origin || !/^(0|[1-9]\d*)$/.test(size ?? '') || bytes.length !== 32 || rest !== '')
    throw new Error('malformed checkpoint');
  return { origin, size: Number(size), rootHex: toHex(bytes) };
}
