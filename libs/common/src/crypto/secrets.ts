import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as argon2 from 'argon2';

/** Passwords: argon2id, the library's defaults (OWASP's recommended parameters). */
export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = (hash: string, password: string): Promise<boolean> =>
  argon2.verify(hash, password).catch(() => false);

/**
 * High-entropy tokens (API keys, refresh tokens, invitations) need no slow hash: SHA-256 suffices.
 * One-shot `crypto.hash` (strings as UTF-8, as `Hash.update`): no Hash object per call, a few times
 * cheaper for the short inputs the gateway hashes on every call (the API key, the prompt).
 */
export const sha256Hex = (value: string | Buffer): string => hash('sha256', value, 'hex');

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export function sameHash(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
