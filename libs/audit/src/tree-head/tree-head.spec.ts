import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNote, parseVkey, noteSignedBy } from '../checkpoint/signed-note';
import { LocalKeySigner } from './key-signer';
import { TreeHeadSigner, verifyTreeHead } from './tree-head';

describe('signed tree heads', () => {
  const root = Buffer.alloc(32, 7);

  it('round-trips through a 0600 key file and verifies, pinned by raw key or by note verifier key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
    const file = join(dir, 'key.pem');
    writeFileSync(
      file,
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      { mode: 0o600 },
    );
    const signer = new TreeHeadSigner(LocalKeySigner.fromFile(file), 'audit.example/log');
    const head = await signer.sign(10, 1_764_000_000_000, root);
    expect(verifyTreeHead(head)).toBe(true);
    expect(verifyTreeHead(head, signer.publicKey.toString('base64'))).toBe(true);
    expect(verifyTreeHead(head, signer.vkey)).toBe(true);
    expect(head.checkpoint).toMatch(
      /^audit\.example\/log\n10\n[A-Za-z0-9+/]{43}=\n\n\u2014 audit\.example\/log /,
    );
    const { body, signatures } = openNote(head.checkpoint!);
    expect(noteSignedBy(body, signatures, parseVkey(signer.vkey))).toBe(true);

    chmodSync(file, 0o644);
    expect(() => LocalKeySigner.fromFile(file)).toThrow(/chmod 600/);
  });

  it('rejects a changed size, root, timestamp, origin, or another key', async () => {
    const signer = TreeHeadSigner.ephemeral('a.example/log');
    const head = await signer.sign(10, 1_764_000_000_000, root);
    expect(verifyTreeHead({ ...head, treeSize: 11 })).toBe(false);
    expect(verifyTreeHead({ ...head, timestampMs: head.timestampMs + 1 })).toBe(false);
    expect(verifyTreeHead({ ...head, rootHash: Buffer.alloc(32, 8).toString('hex') })).toBe(false);
    expect(verifyTreeHead(head, TreeHeadSigner.ephemeral().publicKey.toString('base64'))).toBe(
      false,
    );
    expect(verifyTreeHead({ ...head, publicKey: 'nonsense' })).toBe(false);
    // The same key under another deployment's origin: the note verifier key pins the origin.
    const other = new TreeHeadSigner(
      (signer as unknown as { key: LocalKeySigner }).key,
      'b.example/log',
    );
    expect(verifyTreeHead(await other.sign(10, 1, root), signer.vkey)).toBe(false);
    expect(
      verifyTreeHead({ ...head, checkpoint: head.checkpoint!.replace('\n10\n', '\n11\n') }),
    ).toBe(false);
  });
});
