import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  COSIGNATURE_ED25519,
  cosignedMessage,
  formatVkey,
  noteKeyId,
  noteSignedBy,
  openNote,
  parseCheckpoint,
  parseVkey,
  signatureLine,
  verifyConsistency,
} from '@velvet/audit';

/**
 * A C2SP tlog-witness, our own implementation, as the log's test peer: POST /add-checkpoint
 * checks the log's note signature (404 unknown origin, 403 bad signature), the old size against
 * the latest it cosigned (409 with text/x.tlog.size), the consistency proof (422), and answers a
 * timestamped Ed25519 cosignature (tlog-cosignature). State lives in memory; each request is
 * handled synchronously once its body is read, so check-and-update is atomic.
 */
export interface WitnessPeer {
  name: string;
  vkey: string;
  url: string;
  latest(origin: string): { size: number; root: Buffer } | undefined;
  requests: Array<{ status: number }>;
  close(): Promise<void>;
}

export async function startWitnessPeer(name: string, logVkeys: string[]): Promise<WitnessPeer> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const logs = logVkeys.map(parseVkey);
  const state = new Map<string, { size: number; root: Buffer }>();
  const requests: Array<{ status: number }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
        requests.push({ status });
        res.writeHead(status, { 'content-type': type }).end(body);
      };
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return reply(404, 'not found\n');
      addCheckpoint(Buffer.concat(chunks).toString('utf8'), reply);
    });
  });

  function addCheckpoint(
    text: string,
    reply: (status: number, body: string, type?: string) => void,
  ): void {
    const blank = text.indexOf('\n\n');
    const head = text.slice(0, blank).split('\n');
    const m = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '');
    if (blank < 0 || !m || head.length - 1 > 63) return reply(400, 'malformed request\n');
    const old = Number(m[1]);
    const proof = head.slice(1).map((l) => Buffer.from(l, 'base64'));
    let body: string;
    let checkpoint;
    let signatures;
    try {
      ({ body, signatures } = openNote(text.slice(blank + 2)));
      checkpoint = parseCheckpoint(body);
    } catch {
      return reply(400, 'malformed checkpoint\n');
    }
    const keys = logs.filter((k) => k.name === checkpoint.origin);
    if (!keys.length) return reply(404, 'unknown log\n');
    if (!keys.some((k) => noteSignedBy(body, signatures, k)))
      return reply(403, 'no valid log signature\n');
    if (old > checkpoint.size) return reply(400, 'old size beyond the checkpoint\n');
    const known = state.get(checkpoint.origin);
    if ((known?.size ?? 0) !== old) return reply(409, `${known?.size ?? 0}\n`, 'text/x.tlog.size');
    if (known && old === checkpoint.size && !known.root.equals(checkpoint.root))
      return reply(409, `${known.size}\n`, 'text/x.tlog.size');
    if (
      old === 0
        ? proof.length !== 0
        : !verifyConsistency(old, checkpoint.size, known!.root, checkpoint.root, proof)
    ) {
      return reply(422, 'consistency proof does not verify\n');
    }
    state.set(checkpoint.origin, { size: checkpoint.size, root: checkpoint.root });
    reply(200, cosign(body, privateKey, raw));
  }

  function cosign(body: string, key: KeyObject, pub: Buffer): string {
    const timestamp = Math.floor(Date.now() / 1000);
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(BigInt(timestamp));
    const sig = sign(null, cosignedMessage(body, timestamp), key);
    return signatureLine(
      name,
      noteKeyId(name, COSIGNATURE_ED25519, pub),
      Buffer.concat([stamp, sig]),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    vkey: formatVkey(name, COSIGNATURE_ED25519, raw),
    url: `http://127.0.0.1:${port}`,
    latest: (origin) => state.get(origin),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
