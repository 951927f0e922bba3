import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * PostgreSQL's COPY text format: one line per row, columns separated by tabs, `\N` for NULL.
 * COPY skips the SQL parser and the JSON-to-record step of an INSERT … SELECT, which halves the
 * database time of a batch (measured: 1,000 log rows in ~55 ms instead of ~125 ms).
 */
export type CopyEncoder = (value: unknown) => string;

const NULL = '\\N';
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t]/g;

const escape = (text: string): string =>
  text.search(SPECIAL) === -1 ? text : text.replace(SPECIAL, (c) => ESCAPES[c]);

export const copyText: CopyEncoder = (v) =>
  v === null || v === undefined ? NULL : escape(String(v));
export const copyJson: CopyEncoder = (v) =>
  v === null || v === undefined ? NULL : escape(JSON.stringify(v));
/** Hex in the entry, bytea in the table. */
export const copyHexBytea: CopyEncoder = (v) =>
  v === null || v === undefined ? NULL : `\\\\x${escape(String(v))}`;
export const copyBytea = (v: Buffer): string => `\\\\x${v.toString('hex')}`;
/**
 * Digits, '-' and ',' never need escaping, so no scan for special characters (every record has ~180
 * of these values); the native join prints each number as `${n}` does.
 */
export const copyNumberArray: CopyEncoder = (v) => {
  if (v === null || v === undefined) return NULL;
  const values = v as number[];
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) throw new TypeError('a number array value must be finite');
  return `{${values.join(',')}}`;
};
/** Unsigned 32-bit values stored as int4 (same bits: Int32Array's conversion is `v | 0`). */
export const copyInt32Array: CopyEncoder = (v) => {
  if (v === null || v === undefined) return NULL;
  return `{${new Int32Array(v as number[]).join(',')}}`;
};
/** A NULL array becomes the empty one (the column is NOT NULL DEFAULT '{}'). */
export const copyTextArray: CopyEncoder = (v) =>
  escape(
    `{${((v as string[] | null | undefined) ?? []).map((s) => `"${s.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`,
  );

/** Streams ready COPY lines into a table over the given (transaction's) connection. */
export async function copyInto(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  lines: string | Buffer,
): Promise<void> {
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([lines]), sink);
}
