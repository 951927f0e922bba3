import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { LocalKeySigner } from './key-signer';

describe('LocalKeySigner', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  it.each([
    ['an empty message', Buffer.alloc(0)],
    [
      'a receipt body',
      Buffer.from('velvet-audit-receipt/v2\nexample.com/log\ncall-1\n1\n' + 'a'.repeat(64) + '\n'),
    ],
    ['NUL bytes', Buffer.from([0, 0, 1, 0])],
    ['1 MB', Buffer.alloc(1 << 20, 7)],
  ])('signs %s with the same bytes as OpenSSL (Ed25519 is deterministic)', async (_, message) => {
    const signature = await new LocalKeySigner(privateKey).sign(message);
    expect(signature.equals(sign(null, message, privateKey))).toBe(true);
    expect(verify(null, message, publicKey, signature)).toBe(true);
  });

  it('reads the key from PEM and from base64 DER, with the same public key', async () => {
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    for (const signer of [LocalKeySigner.fromText(pem), LocalKeySigner.fromText(der)]) {
      expect(signer.publicKey.equals(raw)).toBe(true);
      const message = Buffer.from('checkpoint');
      expect(verify(null, message, publicKey, await signer.sign(message))).toBe(true);
    }
  });

  it('refuses a key that is not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new LocalKeySigner(ec)).toThrow('must be Ed25519');
  });

  it('keeps working for many signers in one process (libsodium guarded memory per key)', async () => {
    const signers = Array.from({ length: 2000 }, () => LocalKeySigner.ephemeral());
    const message = Buffer.from('m');
    const last = signers[signers.length - 1];
    expect(last.publicKey).toHaveLength(32);
    expect((await last.sign(message)).length).toBe(64);
  });
});
