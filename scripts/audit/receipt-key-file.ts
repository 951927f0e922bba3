import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh gateway receipt key (Ed25519 PKCS#8 PEM, mode 0600) in a temporary directory, for harnesses that run the gateway in production mode. */
export function tempReceiptKeyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'velvet-receipt-key-')), 'audit-receipt-key');
  writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), { mode: 0o600 });
  return file;
}
