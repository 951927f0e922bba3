import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { statSync, readFileSync } from 'node:fs';
import sodium from 'sodium-native';

/**
 * Where the log's Ed25519 key lives, KMS-style: callers get a public key and an async `sign`, never
 * the private key. The local implementation reads a PKCS#8 key file that only its owner may read
 * (mode 0600, like ssh); a cloud KMS or an HSM would implement the same two members.
 */
export interface AuditKeySigner {
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  sign(message: Buffer): Promise<Buffer>;
}

const rawPublicKey = (key: KeyObject): Buffer =>
  key.export({ format: 'der', type: 'spki' }).subarray(-32);

export class LocalKeySigner implements AuditKeySigner {
  readonly publicKey: Buffer;
  /**
   * libsodium's form of the key (seed and public key), in memory it locks and guards. The gateway
   * signs a receipt per premium call, and libsodium signs in half the CPU of Node's OpenSSL call
   * (~31 against ~63 µs, each alone in a loop on this VM; `node dist/scripts/bench/per-call-micro.js`
   * gives the whole receipt's cost). Ed25519 is deterministic (RFC 8032), so the signature is the
   * same bytes either way.
   */
  private readonly secretKey: Buffer;

  constructor(privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('the audit signing key must be Ed25519');
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
    this.secretKey = sodium.sodium_malloc(sodium.crypto_sign_SECRETKEYBYTES);
    const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
    sodium.crypto_sign_seed_keypair(publicKey, this.secretKey, seed);
    sodium.sodium_memzero(seed);
    if (!publicKey.equals(this.publicKey)) throw new Error('the audit signing key is malformed');
  }

  /** A PKCS#8 key file (PEM, or DER in base64) readable by its owner only. */
  static fromFile(path: string): LocalKeySigner {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077)
      throw new Error(
        `audit signing key ${path} has mode ${mode.toString(8)}: it must be readable by its owner only (chmod 600)`,
      );
    return LocalKeySigner.fromText(readFileSync(path, 'utf8'));
  }

  static fromText(value: string): LocalKeySigner {
    const text = value.trim();
    const key = text.includes('BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    return new LocalKeySigner(key);
  }

  /** For tests and development only: a fresh key each start. */
  static ephemeral(): LocalKeySigner {
    return new LocalKeySigner(generateKeyPairSync('ed25519').privateKey);
  }

  async sign(message: Buffer): Promise<Buffer> {
    const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
    sodium.crypto_sign_detached(signature, message, this.secretKey);
    return signature;
  }
}
