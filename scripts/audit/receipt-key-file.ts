import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh Ed25519 key file (PKCS#8 PEM, mode 0600) in a temporary directory: a receipt key for harnesses and tests, or a log signing key. */
export function tempReceiptKeyFile(name = 'audit-receipt-key'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'velvet-key-')), name);
  writeFileSync(
    file,
    generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    { mode: 0o600 },
  );
  return file;
}
