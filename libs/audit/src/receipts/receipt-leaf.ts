import { hash } from 'node:crypto';

/**
 * What a v2 receipt and a v3 leaf commit to for a premium call: SHA-256 of the event JSON exactly as
 * the gateway appends it to its audit stream (field `v`), over its UTF-8 bytes. The gateway hashes
 * the string it hands Redis; the worker hashes the string it reads back (Redis keeps bytes as given).
 */
export const eventSha256Of = (eventJson: string): Buffer => hash('sha256', eventJson, 'buffer'); // (one-shot: no Hash object; strings hash as UTF-8)
