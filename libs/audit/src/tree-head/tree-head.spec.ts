import { generateKeyPairSync } from 'node:crypto';
import { TreeHeadSigner, verifyTreeHead } from './tree-head';

describe('signed tree heads', () => {
  const root = Buffer.alloc(32, 7);

  it('round-trips through a PEM key and verifies', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signer = TreeHeadSigner.fromEnv(pem);
    const head = signer.sign(10, 1_764_000_000_000, root);
    expect(verifyTreeHead(head)).toBe(true);
    expect(verifyTreeHead(head, signer.publicKey.toString('base64'))).toBe(true);
  });

  it('rejects a changed size, root, timestamp, or another key', () => {
    const signer = TreeHeadSigner.ephemeral();
    const head = signer.sign(10, 1_764_000_000_000, root);
    expect(verifyTreeHead({ ...head, treeSize: 11 })).toBe(false);
    expect(verifyTreeHead({ ...head, timestampMs: head.timestampMs + 1 })).toBe(false);
    expect(verifyTreeHead({ ...head, rootHash: Buffer.alloc(32, 8).toString('hex') })).toBe(false);
    expect(verifyTreeHead(head, TreeHeadSigner.ephemeral().publicKey.toString('base64'))).toBe(false);
    expect(verifyTreeHead({ ...head, publicKey: 'nonsense' })).toBe(false);
  });
});
