import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** A signed tree head as it travels: hex hashes, base64 signature and raw public key. */
export interface SignedTreeHead {
  treeSize: number;
  timestampMs: number;
  rootHash: string;
  signature: string;
  publicKey: string;
  keyId: string;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The signed bytes: RFC 6962 §3.5 TreeHeadSignature (version v1=0, signature_type
 * tree_hash=1, uint64 timestamp in ms, uint64 tree_size, 32-byte root), signed with Ed25519.
 */
export function treeHeadSignedData(treeSize: number, timestampMs: number, rootHash: Buffer): Buffer {
  const data = Buffer.alloc(2 + 8 + 8 + 32);
  data.writeUInt8(0, 0);
  data.writeUInt8(1, 1);
  data.writeBigUInt64BE(BigInt(timestampMs), 2);
  data.writeBigUInt64BE(BigInt(treeSize), 10);
  rootHash.copy(data, 18);
  return data;
}

export const rawPublicKey = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' }).subarray(-32);

export const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

/** Like a CT log id: SHA-256 of the DER SubjectPublicKeyInfo. */
export const keyIdOf = (raw: Buffer): string =>
  createHash('sha256').update(Buffer.concat([ED25519_SPKI_PREFIX, raw])).digest('hex');

export class TreeHeadSigner {
  readonly publicKey: Buffer;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be Ed25519');
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    this.keyId = keyIdOf(this.publicKey);
  }

  /** From AUDIT_SIGNING_KEY: a PKCS#8 PEM, or its DER in base64. */
  static fromEnv(value: string): TreeHeadSigner {
    const key = value.includes('BEGIN')
      ? createPrivateKey(value)
      : createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
    return new TreeHeadSigner(key);
  }

  /** For development and tests only: a fresh key each start. */
  static ephemeral(): TreeHeadSigner {
    return new TreeHeadSigner(generateKeyPairSync('ed25519').privateKey);
  }

  sign(treeSize: number, timestampMs: number, rootHash: Buffer): SignedTreeHead {
    const signature = sign(null, treeHeadSignedData(treeSize, timestampMs, rootHash), this.privateKey);
    return {
      treeSize,
      timestampMs,
      rootHash: rootHash.toString('hex'),
      signature: signature.toString('base64'),
      publicKey: this.publicKey.toString('base64'),
      keyId: this.keyId,
    };
  }
}

/** True when the head is signed by its own public key (and by `pinned`, when given). */
export function verifyTreeHead(head: SignedTreeHead, pinnedPublicKey?: string): boolean {
  try {
    if (pinnedPublicKey && pinnedPublicKey !== head.publicKey) return false;
    const raw = Buffer.from(head.publicKey, 'base64');
    const root = Buffer.from(head.rootHash, 'hex');
    if (raw.length !== 32 || root.length !== 32) return false;
    const data = treeHeadSignedData(head.treeSize, head.timestampMs, root);
    return verify(null, data, publicKeyFromRaw(raw), Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}
