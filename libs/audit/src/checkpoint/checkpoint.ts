/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) bodies: the origin line naming the log,
 * the tree size in decimal, and the RFC 6962 root hash in base64, each ending in a newline.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

export function checkpointBody(origin: string, size: number, root: Buffer): string {
  if (!origin || /[\n\s]/.test(origin))
    throw new Error('a checkpoint origin is one line without spaces');
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw new Error('malformed checkpoint: needs origin, size and root lines');
  const [origin, sizeText, rootText] = lines;
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error('malformed checkpoint size');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText)
    throw new Error('malformed checkpoint root hash');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new Error('checkpoint size out of range');
  return { origin, size, root };
}
