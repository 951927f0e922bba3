import { createHash, verify } from 'node:crypto';
import { checkpointBody, parseCheckpoint } from '../checkpoint/checkpoint';
import {
  ed25519PublicKey,
  formatVkey,
  isVkey,
  NOTE_ED25519,
  noteKeyId,
  noteSignedBy,
  openNote,
  parseVkey,
  signatureLine,
} from '../checkpoint/signed-note';
import { type AuditKeySigner, LocalKeySigner } from './key-signer';

/**
 * A signed tree head as it travels: hex hashes, base64 signature and raw public key, plus the same
 * head as a C2SP checkpoint (a signed note whose origin names this deployment's log), so standard
 * tools (Go's sumdb/note, witnesses) verify it and a head of one deployment never passes for another's.
 */
export interface SignedTreeHead {
  treeSize: number;
  timestampMs: number;
  rootHash: string;
  signature: string;
  publicKey: string;
  keyId: string;
  /** The log's origin line, e.g. `audit.velvet.example/log`. */
  origin?: string;
  /** The checkpoint note: body and the log's signature line (cosignatures are served beside it). */
  checkpoint?: string;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The RFC 6962 §3.5 TreeHeadSignature bytes (version v1=0, signature_type tree_hash=1, uint64
 * timestamp in ms, uint64 tree_size, 32-byte root), signed with Ed25519 beside the checkpoint.
 */
export function treeHeadSignedData(
  treeSize: number,
  timestampMs: number,
  rootHash: Buffer,
): Buffer {
  const data = Buffer.alloc(2 + 8 + 8 + 32);
  data.writeUInt8(0, 0);
  data.writeUInt8(1, 1);
  data.writeBigUInt64BE(BigInt(timestampMs), 2);
  data.writeBigUInt64BE(BigInt(treeSize), 10);
  rootHash.copy(data, 18);
  return data;
}

export const publicKeyFromRaw = ed25519PublicKey;

/** Like a CT log id: SHA-256 of the DER SubjectPublicKeyInfo. */
export const keyIdOf = (raw: Buffer): string =>
  createHash('sha256')
    .update(Buffer.concat([ED25519_SPKI_PREFIX, raw]))
    .digest('hex');

export const DEFAULT_LOG_ORIGIN = 'velvet-rope.localhost/audit-log';

export class TreeHeadSigner {
  readonly publicKey: Buffer;
  readonly keyId: string;
  /** The note verifier key (`origin+keyid+key`) users pin and witnesses configure. */
  readonly vkey: string;

  constructor(
    private readonly key: AuditKeySigner,
    readonly origin: string = DEFAULT_LOG_ORIGIN,
  ) {
    this.publicKey = key.publicKey;
    this.keyId = keyIdOf(this.publicKey);
    this.vkey = formatVkey(origin, NOTE_ED25519, this.publicKey);
  }

  /** For development and tests only: a fresh key each start. */
  static ephemeral(origin?: string): TreeHeadSigner {
    return new TreeHeadSigner(LocalKeySigner.ephemeral(), origin);
  }

  async sign(treeSize: number, timestampMs: number, rootHash: Buffer): Promise<SignedTreeHead> {
    const body = checkpointBody(this.origin, treeSize, rootHash);
    const [signature, noteSignature] = await Promise.all([
      this.key.sign(treeHeadSignedData(treeSize, timestampMs, rootHash)),
      this.key.sign(Buffer.from(body)),
    ]);
    const keyId = noteKeyId(this.origin, NOTE_ED25519, this.publicKey);
    return {
      treeSize,
      timestampMs,
      rootHash: rootHash.toString('hex'),
      signature: signature.toString('base64'),
      publicKey: this.publicKey.toString('base64'),
      keyId: this.keyId,
      origin: this.origin,
      checkpoint: `${body}\n${signatureLine(this.origin, keyId, noteSignature)}`,
    };
  }
}

/**
 * True when the head is signed by its own public key (and by `pinned`, when given: a base64 raw
 * key or a note verifier key, which also pins the origin), and its checkpoint, when present, is a
 * note signed by the same key stating the same size and root.
 */
export function verifyTreeHead(head: SignedTreeHead, pinned?: string): boolean {
  try {
    const pinnedVkey = pinned && isVkey(pinned) ? parseVkey(pinned) : null;
    if (
      pinnedVkey &&
      (!pinnedVkey.publicKey.equals(Buffer.from(head.publicKey, 'base64')) || !head.checkpoint)
    )
      return false;
    if (pinned && !pinnedVkey && pinned !== head.publicKey) return false;
    const raw = Buffer.from(head.publicKey, 'base64');
    const root = Buffer.from(head.rootHash, 'hex');
    if (raw.length !== 32 || root.length !== 32) return false;
    const data = treeHeadSignedData(head.treeSize, head.timestampMs, root);
    if (!verify(null, data, publicKeyFromRaw(raw), Buffer.from(head.signature, 'base64')))
      return false;
    if (!head.checkpoint) return true;
    const { body, signatures } = openNote(head.checkpoint);
    const checkpoint = parseCheckpoint(body);
    const key = pinnedVkey ?? parseVkey(formatVkey(checkpoint.origin, NOTE_ED25519, raw));
    return (
      checkpoint.origin === key.name &&
      checkpoint.size === head.treeSize &&
      checkpoint.root.equals(root) &&
      noteSignedBy(body, signatures, key)
    );
  } catch {
    return false;
  }
}
