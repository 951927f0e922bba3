import { generateKeyPairSync, sign } from 'node:crypto';
import { checkpointBody, parseCheckpoint } from './checkpoint';
import {
  COSIGNATURE_ED25519,
  cosignatureBy,
  cosignedMessage,
  formatVkey,
  isVkey,
  noteKeyId,
  noteSignedBy,
  openNote,
  parseVkey,
  signatureLine,
} from './signed-note';

describe('C2SP signed notes', () => {
  // The example of Go's golang.org/x/mod/sumdb/note (example_test.go): an independent vector.
  const goVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const goNote =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n" +
    '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

  it("verifies Go's own example note, and its key id is the spec's", () => {
    const key = parseVkey(goVkey);
    expect(key.keyId.toString('hex')).toBe('c74f20a3');
    expect(formatVkey(key.name, key.type, key.publicKey)).toBe(goVkey);
    const { body, signatures } = openNote(goNote);
    expect(noteSignedBy(body, signatures, key)).toBe(true);
    expect(noteSignedBy(body.replace('answer', 'answers'), signatures, key)).toBe(false);
    expect(isVkey(goVkey)).toBe(true);
    expect(isVkey('ARpc2QcUPDhMQegwxbzhKqiBfsVk+mqq/LDE4izWy10TW=')).toBe(false);
  });

  it('rejects malformed verifier keys and notes', () => {
    expect(() =>
      parseVkey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/key id/);
    expect(() => parseVkey('no-plus')).toThrow(/malformed/);
    expect(() => openNote('body without signatures\n')).toThrow(/malformed/);
    expect(() => parseCheckpoint('origin\n01\nAAAA\n')).toThrow(/size/);
    expect(() => checkpointBody('two words', 1, Buffer.alloc(32))).toThrow(/origin/);
  });

  it('checks tlog-cosignature/v1 timestamped cosignatures', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const name = 'witness.example/w1';
    const body = checkpointBody('log.example/a', 5, Buffer.alloc(32, 1));
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(1_700_000_000n);
    const line = signatureLine(
      name,
      noteKeyId(name, COSIGNATURE_ED25519, raw),
      Buffer.concat([stamp, sign(null, cosignedMessage(body, 1_700_000_000), privateKey)]),
    );
    const key = parseVkey(formatVkey(name, COSIGNATURE_ED25519, raw));
    const { signatures } = openNote(`${body}\n${line}`);
    expect(cosignatureBy(body, signatures, key)).toBe(1_700_000_000);
    expect(cosignatureBy(body.replace('\n5\n', '\n6\n'), signatures, key)).toBeNull();
  });
});
